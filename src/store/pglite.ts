import { mkdirSync } from "node:fs";
import { PGlite, types, type Transaction } from "@electric-sql/pglite";
import type { Sql } from "./sql";

const INT8 = { [types.INT8]: (value: string) => Number(value) };

/**
 * The embedded store: PostgreSQL compiled to WebAssembly, in this process, in `dataDir`
 * (`memory://` keeps it in memory). One process at a time may open a data directory.
 */
export async function openPglite(dataDir: string): Promise<Sql> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { parsers: INT8 });
  return {
    kind: "pglite",
    query: async (text, params) => {
      await turn();
      return (await db.query(text, params as unknown[])).rows as never;
    },
    transaction: async (work) => {
      await turn();
      return db.transaction((tx) => work(bind(tx)));
    },
    close: () => db.close(),
  };
}

/**
 * PGlite runs each statement on this thread, and starts the next queued one as soon as the last
 * ends: under load a chain of statements would starve the event loop, so Baidu's answers would
 * wait behind them (and time out) although they had arrived. Each statement waits for its own turn
 * of the event loop instead, so I/O is served between statements.
 */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function bind(tx: Transaction): Sql {
  return {
    kind: "pglite",
    query: async (text, params) => (await tx.query(text, params as unknown[])).rows as never,
    transaction: (work) => work(bind(tx)),
    close: async () => {},
  };
}
