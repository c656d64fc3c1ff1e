import type { Logger } from "../ops/log";
import type { Sql } from "./sql";

/**
 * How far this machine's clock may be off the database server's before replicas are warned about.
 */
export const MAX_SKEW_MS = 1000;

/**
 * Leases and token expiry are compared across replicas by their own clocks: say so when this one
 * is off the database server's (PostgreSQL only: the embedded store has one process). `now` is this
 * machine's clock, read before and after the query.
 */
export async function checkClock(
  sql: Sql,
  logger: Logger,
  now: () => number = Date.now,
): Promise<void> {
  if (sql.kind !== "postgres") return;
  const before = now();
  const [row] = await sql.query<{ now: Date }>("select clock_timestamp() as now");
  const skewMs = row ? Math.abs(row.now.getTime() - (before + now()) / 2) : 0;
  if (skewMs > MAX_SKEW_MS)
    logger.warn(
      "This machine's clock differs from the database server's; replicas compare leases by their clocks, keep them in sync (NTP)",
      {
        skewMs: Math.round(skewMs),
      },
    );
}
