import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore } from "../../src/store/open";
import type { Sql } from "../../src/store/sql";
import { templateDir } from "./pglite-template";

/**
 * The stores the ledger tests run on: PGlite always, PostgreSQL when TEST_DATABASE_URL names a
 * server.
 */
export type StoreKind = "pglite" | "postgres";

export const STORE_KINDS: StoreKind[] = process.env.TEST_DATABASE_URL
  ? ["pglite", "postgres"]
  : ["pglite"];

const shared = new Map<StoreKind, Promise<Sql>>();
const cleanups: Array<() => Promise<void>> = [];

/** Tables emptied between tests, so a test file opens each store once. */
const TABLES =
  "delivery_attempts, delivery_queue, delivery_orders, order_imports, deliveries, ledger_orders, order_records, baidu_tokens, app_throttle, baidu_budget";

/**
 * A migrated store of this kind, shared by the tests of one file (closed after them), emptied
 * unless `keep`.
 */
export async function testStore(kind: StoreKind = "pglite", keep = false): Promise<Sql> {
  let opening = shared.get(kind);
  if (!opening) {
    opening = kind === "pglite" ? openPgliteCopy() : openFreshDatabase();
    shared.set(kind, opening);
  }
  const sql = await opening;
  if (!keep) await sql.query(`truncate ${TABLES} restart identity`);
  return sql;
}

/**
 * A store of its own: a new PGlite data directory or a new PostgreSQL database, for tests that
 * spawn gateways.
 */
export async function freshStoreConfig(
  kind: StoreKind,
): Promise<{ databaseUrl?: string; dataDir?: string; drop(): Promise<void> }> {
  if (kind === "pglite") {
    const dir = copyTemplate();
    return { dataDir: dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const { url, drop } = await createDatabase();
  return { databaseUrl: url, drop };
}

export async function closeTestStores(): Promise<void> {
  for (const opening of shared.values()) await (await opening).close();
  shared.clear();
  for (const cleanup of cleanups.splice(0)) await cleanup();
}

function copyTemplate(): string {
  const dir = mkdtempSync(join(tmpdir(), "gateway-ledger-"));
  cpSync(templateDir(), dir, { recursive: true });
  return dir;
}

async function openPgliteCopy(): Promise<Sql> {
  const dir = copyTemplate();
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return openStore({ databaseUrl: undefined, dataDir: dir });
}

async function openFreshDatabase(): Promise<Sql> {
  const { url, drop } = await createDatabase();
  cleanups.push(drop);
  return openStore({ databaseUrl: url, dataDir: "" });
}

/**
 * A database of the test's own on TEST_DATABASE_URL's server; fails loudly when the server is
 * unreachable.
 */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error("TEST_DATABASE_URL is not set");
  const name = `gateway_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
