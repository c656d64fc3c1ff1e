import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, MIGRATIONS } from "../src/store/migrations";
import { openStore } from "../src/store/open";
import type { Sql } from "../src/store/sql";
import { templateDir } from "./support/pglite-template";
import { STORE_KINDS, testStore } from "./support/store";

describe("the embedded store", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gateway-store-"));
    cpSync(templateDir(), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is refused to a second opener while the first holds it, and free again once it is closed", async () => {
    const first = await openStore({ databaseUrl: undefined, dataDir: dir });
    await expect(openStore({ databaseUrl: undefined, dataDir: dir })).rejects.toThrow(
      `The embedded store ${dir} is in use by process ${process.pid}; stop it, or give this one its own GATEWAY_DATA_DIR (or DATABASE_URL)`,
    );
    await first.close();
    const again = await openStore({ databaseUrl: undefined, dataDir: dir });
    await again.close();
  });

  it("takes over the mark of a process that died holding it", async () => {
    writeFileSync(join(dir, "gateway.pid"), "2147483646");
    const sql = await openStore({ databaseUrl: undefined, dataDir: dir });
    await sql.close();
  });

  it("has every migration applied once, in order", async () => {
    const sql = await openStore({ databaseUrl: undefined, dataDir: dir });
    const rows = await sql.query<{ version: number; name: string }>(
      "select version, name from schema_migrations order by version",
    );
    await sql.close();
    expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
  });
});

/** A delivery row as the previous version wrote it: straight into the table, nothing else. */
interface RawDelivery {
  id: number;
  endpoint: string;
  resourceIds: string[];
  state: string;
  query: Array<[string, string]>;
  /** Ended this many days ago; null: not ended. */
  endedDaysAgo: number | null;
}

const insertDelivery = (sql: Sql, d: RawDelivery) =>
  sql.query(
    `insert into deliveries (id, app_key, caller, endpoint, resource_ids, query, body, request_hash, state, accepted_at,
        updated_at, next_attempt_at, deadline_at, finished_at)
      overriding system value
      values ($1, 'app', 'test', $2, $3::text[], $4::jsonb, '{}', 'h', $5, now(), now(), now(), now(),
        now() - $6::integer * interval '1 day')`,
    [d.id, d.endpoint, d.resourceIds, JSON.stringify(d.query), d.state, d.endedDaysAgo],
  );

describe.each(STORE_KINDS)("migration 3 on %s", (kind) => {
  let sql: Sql;
  beforeEach(async () => (sql = await testStore(kind)));

  it("keeps each order's imports for a writer that knows nothing of them (an older replica)", async () => {
    // The previous version's accept and purge, as plain SQL on deliveries.
    const importOf = (id: number, state: string, endedDaysAgo: number | null) =>
      insertDelivery(sql, {
        id,
        endpoint: "addMainInfo",
        resourceIds: ["a", "a", "b"],
        state,
        query: [["scene_id", String(id)]],
        endedDaysAgo,
      });
    await importOf(1, "DELIVERED", 40);
    await importOf(2, "DELIVERED", 40);
    await importOf(3, "FAILED", 40);
    await importOf(4, "PENDING", null);
    const imports = () =>
      sql.query(
        "select resource_id, delivery_id, query from order_imports order by resource_id, delivery_id",
      );
    expect((await imports()).map((row) => row.delivery_id)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    await sql.query("delete from deliveries where finished_at < now() - interval '30 days'");
    // The refused import is forgotten, the older delivered one is of no use now, the pending stays.
    expect(await imports()).toEqual([
      { resource_id: "a", delivery_id: 2, query: [["scene_id", "2"]] },
      { resource_id: "a", delivery_id: 4, query: [["scene_id", "4"]] },
      { resource_id: "b", delivery_id: 2, query: [["scene_id", "2"]] },
      { resource_id: "b", delivery_id: 4, query: [["scene_id", "4"]] },
    ]);
  });

  it("fills each order's imports from the deliveries the ledger already holds", async () => {
    // The ledger as version 2 left it, holding an import of two orders and an update of one.
    await sql.query("drop table order_imports");
    await sql.query("drop function ledger_record_import, ledger_forget_imports cascade");
    await sql.query("delete from schema_migrations where version = 3");
    await insertDelivery(sql, {
      id: 7,
      endpoint: "addMainInfo",
      resourceIds: ["a", "b"],
      state: "DELIVERED",
      query: [["open_id", "u"]],
      endedDaysAgo: 1,
    });
    await insertDelivery(sql, {
      id: 8,
      endpoint: "updateMainInfo",
      resourceIds: ["a"],
      state: "DELIVERED",
      query: [["open_id", "v"]],
      endedDaysAgo: 1,
    });
    await sql.query(
      `insert into delivery_orders (delivery_id, app_key, resource_id)
        values (7, 'app', 'a'), (7, 'app', 'b'), (8, 'app', 'a')`,
    );
    expect(await migrate(sql)).toEqual([3]);
    expect(
      await sql.query(
        "select app_key, resource_id, delivery_id, query from order_imports order by resource_id",
      ),
    ).toEqual([
      { app_key: "app", resource_id: "a", delivery_id: 7, query: [["open_id", "u"]] },
      { app_key: "app", resource_id: "b", delivery_id: 7, query: [["open_id", "u"]] },
    ]);
  });
});
