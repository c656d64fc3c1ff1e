import pg from "pg";
import { PgListener } from "./listen";
import type { Sql, Statement } from "./sql";

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A PostgreSQL server shared by every gateway process that names the same `DATABASE_URL`. */
export async function openPostgres(url: string, poolSize = 10): Promise<Sql> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client's error (a server restart) must not end the process; the next query reconnects.
  pool.on("error", () => {});
  await pool.query("select 1");
  const listener = new PgListener(url);
  return {
    kind: "postgres",
    query: async (text, params) => (await pool.query(config(text, params))).rows,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await work(bindClient(client));
        await client.query("commit");
        return result;
      } catch (error) {
        await client.query("rollback").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    listen: (channel, handler) => listener.listen(channel, handler),
    close: async () => {
      await listener.close();
      await pool.end();
    },
  };
}

function bindClient(client: pg.PoolClient): Sql {
  return {
    kind: "postgres",
    query: async (text, params) => (await client.query(config(text, params))).rows,
    transaction: (work) => work(bindClient(client)),
    close: async () => {},
  };
}

/** A prepared statement goes by its name: each connection parses and plans it once. */
function config(query: string | Statement, params?: readonly unknown[]): pg.QueryConfig {
  const values = params as unknown[] | undefined;
  return typeof query === "string"
    ? { text: query, values }
    : { name: query.name, text: query.text, values };
}
