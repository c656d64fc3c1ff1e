import { migrate } from "./migrations";
import { openPglite } from "./pglite";
import { openPostgres } from "./postgres";
import type { Sql } from "./sql";

export interface StoreConfig {
  /** A PostgreSQL connection string; none: the embedded store in `dataDir`. */
  databaseUrl: string | undefined;
  /** The embedded store's data directory (`memory://` for one that vanishes on exit). */
  dataDir: string;
}

/** Opens the configured store and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Sql> {
  const sql = config.databaseUrl
    ? await openPostgres(config.databaseUrl)
    : await openPglite(config.dataDir);
  try {
    await migrate(sql);
  } catch (error) {
    await sql.close();
    throw error;
  }
  return sql;
}
