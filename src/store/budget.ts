import type { BudgetStore, Throttle } from "../baidu/budget";
import { at } from "./records";
import type { Sql } from "./sql";

export const THROTTLE_CHANNEL = "baidu_gateway_throttle";

/**
 * One call's room in an app's schedule (GCRA). `tat` is when the next call is due, in ms by the
 * database server's clock, read when the statement runs, so a statement that waited for its turn
 * is judged by when it ran. Due (or at most `$3` ms early): admitted, and `tat` moves on by
 * `$2`. Otherwise nothing changes and the answer is how long to wait: read from the statement's
 * snapshot, which may predate the call that took the room, so at least a millisecond.
 */
const TAKE = `with n as (select (extract(epoch from clock_timestamp()) * 1000)::double precision as now),
  taken as (
    insert into baidu_budget as b (app_key, tat) select $1::text, n.now + $2::double precision from n
    on conflict (app_key) do update set tat = greatest(b.tat, excluded.tat - $2::double precision) + $2::double precision
    where greatest(b.tat, excluded.tat - $2::double precision) - (excluded.tat - $2::double precision) <= $3::double precision
    returning app_key
  )
  select exists (select 1 from taken) as admitted,
    (select b.tat - n.now - $3::double precision from baidu_budget b, n where b.app_key = $1::text) as wait`;

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
 * The budget's shared state, in the ledger's database: each app's schedule and its slow-down level.
 * The embedded store has one process, which keeps the schedule in memory instead (the same rule,
 * by `now`): a PGlite statement per call would cost half a millisecond of CPU.
 */
export function ledgerBudgetStore(sql: Sql, now: () => number = Date.now): BudgetStore {
  const schedule = new Map<string, number>();
  const takeInMemory = (appKey: string, intervalMs: number, toleranceMs: number): number => {
    const at = now();
    const due = Math.max(schedule.get(appKey) ?? at, at);
    if (due - at > toleranceMs) return Math.max(1, due - at - toleranceMs);
    schedule.set(appKey, due + intervalMs);
    return 0;
  };
  return {
    async take(appKey, intervalMs, toleranceMs) {
      if (sql.kind === "pglite") return takeInMemory(appKey, intervalMs, toleranceMs);
      const [row] = await sql.query<{ admitted: boolean; wait: number | null }>(TAKE, [
        appKey,
        intervalMs,
        toleranceMs,
      ]);
      return row?.admitted ? 0 : Math.max(1, row?.wait ?? 1);
    },
    async signal(appKey, now, recoverMs, maxLevel) {
      await sql.query(SIGNAL, [appKey, at(now), recoverMs, maxLevel]);
    },
    async throttles() {
      const rows = await sql.query<{ app_key: string; level: number; signalled_at: Date }>(
        "select app_key, level, signalled_at from app_throttle",
      );
      return new Map<string, Throttle>(
        rows.map((row) => [
          row.app_key,
          { level: row.level, signalledAt: row.signalled_at.getTime() },
        ]),
      );
    },
  };
}
