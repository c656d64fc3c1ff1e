import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The PostgreSQL server the durable rows use, unless BENCH_DATABASE_URL names another. */
export const DEFAULT_BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * A temp directory for one run's embedded stores (one sub-directory per gateway: a PGlite data
 * directory belongs to one process), removed with everything in it by `remove()`.
 */
export interface ScratchDir {
  root: string;
  /** A fresh path under the root for one gateway's data directory (PGlite creates it). */
  dataDir(name: string): string;
  remove(): void;
}

/** What is still to remove, for an interrupted run (Ctrl-C), which skips the `finally` blocks. */
const leftovers = new Set<() => Promise<void> | void>();

/** Removes the scratch directories and drops the databases this run has not removed yet. */
export async function removeLeftovers(): Promise<void> {
  for (const remove of [...leftovers]) await Promise.resolve(remove()).catch(() => undefined);
}

export function createScratchDir(): ScratchDir {
  const root = mkdtempSync(join(tmpdir(), "bench-ledger-"));
  let next = 0;
  const remove = () => {
    leftovers.delete(remove);
    rmSync(root, { recursive: true, force: true });
  };
  leftovers.add(remove);
  return {
    root,
    dataDir: (name) =>
      join(root, `${String(++next).padStart(2, "0")}-${name.replace(/[^a-z0-9]+/gi, "-")}`),
    remove,
  };
}

/** A database of the benchmark's own on a PostgreSQL server, dropped by `drop()`. */
export interface BenchDatabase {
  /** For the gateway's DATABASE_URL. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server named by BENCH_DATABASE_URL, or the default; the text to show in the table. */
export function benchServerUrl(): string {
  return process.env.BENCH_DATABASE_URL || DEFAULT_BENCH_DATABASE_URL;
}

/** The URL without a password, for the table and error messages. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/**
 * Creates `bench_<pid>_<time>` on the server at `serverUrl`. Resolves to the reason instead when
 * the server cannot be reached (or refuses), so that the caller can print a skipped row.
 */
export async function createBenchDatabase(
  serverUrl: string,
): Promise<BenchDatabase | { unreachable: string }> {
  const name = `bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    return { unreachable: error instanceof Error ? error.message || error.name : String(error) };
  }
  try {
    await admin.query(`create database ${name}`);
  } catch (error) {
    return {
      unreachable: `create database failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    leftovers.delete(drop);
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  leftovers.add(drop);
  return { url: url.toString(), name, drop };
}

/**
 * CPU milliseconds (utime + stime) of each of `pids` still running, by pid. With `serverPids`, for
 * a figure that other clients of the server cannot disturb: charge only the pids present at both
 * ends of a window (`cpuMsDelta`).
 */
export function cpuMsOf(pids: readonly number[]): Map<number, number> {
  const usage = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      usage.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // Not running (any more), or not on this machine.
    }
  }
  return usage;
}

/**
 * CPU milliseconds spent between two `cpuMsOf` readings by the pids in both; undefined if none is.
 */
export function cpuMsDelta(
  before: Map<number, number>,
  after: Map<number, number>,
): number | undefined {
  let total: number | undefined;
  for (const [pid, ms] of after) if (before.has(pid)) total = (total ?? 0) + ms - before.get(pid)!;
  return total;
}

/**
 * The pids of the server's processes that work for `query`'s caller: the backends connected to its
 * database (e.g. a pool's, once opened) and the server's background processes (WAL writer,
 * checkpointer, ...), from pg_stat_activity. Backends of other databases are left out, so that
 * another client of the same server (a test run) neither adds to the figure nor, by exiting,
 * takes from it. Only meaningful when the server runs on this machine, in the same pid namespace.
 */
export async function serverPids(
  query: (text: string) => Promise<Array<Record<string, unknown>>>,
): Promise<number[]> {
  const rows = await query(
    "select pid from pg_stat_activity where datname = current_database() or backend_type <> 'client backend'",
  );
  return rows.map((row) => Number(row.pid));
}

/**
 * CPU milliseconds (utime + stime) of every process whose comm is `postgres`: the server's
 * postmaster, its backends (one per gateway connection) and its background workers. A backend
 * that exits during the window takes its time with it (it is added to the postmaster's cutime,
 * which is not counted), so keep the gateway's pool open across the measurement.
 */
export function postgresCpuMs(): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process exited between readdir and read.
    }
  }
  // USER_HZ is 100 on Linux (see processUsage in processes.ts).
  return ticks * 10;
}
