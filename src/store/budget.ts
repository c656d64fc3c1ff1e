import { RateLimiterMemory, RateLimiterPostgres } from "rate-limiter-flexible";
import type { BudgetStore, Limiter, Throttle } from "../baidu/budget";
import { at } from "./records";
import type { Sql } from "./sql";

export const THROTTLE_CHANNEL = "baidu_gateway_throttle";

/**
 * One step more for an app (the level in force, eased by the time since the last refusal, plus
 * one), at most one step a second; the processes listening are told.
 */
const SIGNAL = `with s as (
    insert into app_throttle as t (app_key, level, signalled_at) values ($1::text, 1, $2::timestamptz)
    on conflict (app_key) do update set
      level = least($4::integer, greatest(0, t.level - floor(extract(epoch from $2::timestamptz - t.signalled_at) * 1000 / $3::integer)::integer) + 1),
      signalled_at = $2::timestamptz
    where t.signalled_at <= $2::timestamptz - interval '1 second'
    returning app_key
  )
  select count(*) as told from (select pg_notify('${THROTTLE_CHANNEL}', app_key) from s) n`;

/**
 * The budget's shared state: rate-limiter-flexible's counters (in PostgreSQL, or in memory for the
 * embedded store, which one process owns) and the slow-down levels in `app_throttle`.
 */
export function ledgerBudgetStore(sql: Sql): BudgetStore {
  // rate-limiter-flexible asks a `pg`-like client for `{ rows }`; the one SQL seam answers.
  const client = {
    query: async ({ text, values }: { text: string; values?: unknown[] }) => {
      const rows = await sql.query(text, values);
      return { rows, rowCount: rows.length };
    },
  };
  return {
    limiter(points, durationMs, level): Limiter {
      const options = { points, duration: durationMs / 1000, keyPrefix: `level${level}` };
      if (sql.kind === "pglite") return new RateLimiterMemory(options);
      return new RateLimiterPostgres({
        ...options,
        storeClient: client,
        storeType: "client",
        tableName: "baidu_rate_limits",
        tableCreated: true,
        clearExpiredByTimeout: false,
        // Past the window's points, refuse without asking PostgreSQL again until the window ends.
        inMemoryBlockOnConsumed: points + 1,
      });
    },
    async signal(appKey, now, recoverMs, maxLevel) {
      await sql.query(SIGNAL, [appKey, at(now), recoverMs, maxLevel]);
    },
    async throttles() {
      const rows = await sql.query<{ app_key: string; level: number; signalled_at: Date }>("select app_key, level, signalled_at from app_throttle");
      return new Map<string, Throttle>(rows.map((row) => [row.app_key, { level: row.level, signalledAt: row.signalled_at.getTime() }]));
    },
  };
}
