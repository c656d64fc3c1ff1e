import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite, types, type Transaction } from "@electric-sql/pglite";
import { textOf, type Sql } from "./sql";

const INT8 = { [types.INT8]: (value: string) => Number(value) };

/**
 * The embedded store: PostgreSQL compiled to WebAssembly, in this process, in `dataDir`
 * (`memory://` keeps it in memory). One process at a time may open a data directory.
 */
export async function openPglite(dataDir: string): Promise<Sql> {
  const unlock = dataDir.startsWith("memory://") ? () => {} : lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir, { parsers: INT8 });
  } catch (error) {
    unlock();
    throw error;
  }
  const turn = createTurns();
  return {
    kind: "pglite",
    query: async (text, params) => {
      const done = await turn();
      try {
        return (await db.query(textOf(text), params as unknown[])).rows as never;
      } finally {
        done();
      }
    },
    transaction: async (work) => {
      const done = await turn();
      try {
        return await db.transaction((tx) => work(bind(tx)));
      } finally {
        done();
      }
    },
    close: async () => {
      await db.close();
      unlock();
    },
  };
}

/**
 * PGlite does not guard its directory, and two processes writing one would corrupt it: the first
 * takes it by writing its pid, a second one is refused while that process lives (after a crash,
 * the dead process's mark is taken over).
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const mark = join(dataDir, "gateway.pid");
  try {
    writeFileSync(mark, String(process.pid), { flag: "wx" });
  } catch {
    const holder = Number(readFileSync(mark, "utf8"));
    if (isAlive(holder)) {
      throw new Error(
        `The embedded store ${dataDir} is in use by process ${holder}; stop it, or give this one its own GATEWAY_DATA_DIR (or DATABASE_URL)`,
      );
    }
    writeFileSync(mark, String(process.pid));
  }
  return () => rmSync(mark, { force: true });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite runs each statement on this thread, and starts the next queued one as soon as the last
 * ends: under load a chain of statements would starve the event loop, so Baidu's answers and the
 * gateway's own requests would wait behind them (and time out) although the network was ready.
 * Statements here go one at a time, each after a turn of the event loop, so I/O is served between
 * any two of them.
 */
function createTurns(): () => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve();
  return async () => {
    let done!: () => void;
    const previous = tail;
    tail = new Promise((resolve) => (done = resolve));
    await previous;
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  };
}

function bind(tx: Transaction): Sql {
  return {
    kind: "pglite",
    query: async (text, params) =>
      (await tx.query(textOf(text), params as unknown[])).rows as never,
    transaction: (work) => work(bind(tx)),
    close: async () => {},
  };
}
