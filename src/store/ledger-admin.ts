import { at, DELIVERY_COLUMNS, toDelivery, type DeliveryRecord, type DeliveryRow } from "./records";
import { LIVE_STATES } from "./ledger-ids";
import type { Sql } from "./sql";

/** Ends a delivery that has not started an attempt; undefined if it is not PENDING (any more). */
export async function cancelDelivery(
  sql: Sql,
  id: number,
  now: number,
): Promise<DeliveryRecord | undefined> {
  const [row] = await sql.query<DeliveryRow>(
    `with d as (
        update deliveries set state = 'CANCELLED', finished_at = $2::timestamptz, updated_at = $2::timestamptz
          where id = $1::bigint and state = 'PENDING' returning *
      ), q as (delete from delivery_queue where delivery_id in (select id from d))
      select ${DELIVERY_COLUMNS} from d`,
    [id, at(now)],
  );
  return row && toDelivery(row);
}

/** Makes a PENDING delivery due now (its order's earlier writes still go first). */
export async function hurryDelivery(
  sql: Sql,
  id: number,
  now: number,
): Promise<DeliveryRecord | undefined> {
  const [row] = await sql.query<DeliveryRow>(
    `update deliveries d set next_attempt_at = $2::timestamptz, updated_at = $2::timestamptz where id = $1::bigint and state = 'PENDING'
      returning ${DELIVERY_COLUMNS}`,
    [id, at(now)],
  );
  return row && toDelivery(row);
}

/**
 * Retention: removes deliveries that ended before `before`, with their attempts, in batches so
 * that no statement holds locks for long. The orders' records stay, and so do the ids of each
 * order's newest import that reached Baidu: a removed import that did not count is forgotten, and
 * one that did makes the order's older imports useless (the newest that counts is the one read).
 */
const PURGE = `with p as (
    delete from deliveries where id in (select id from deliveries where finished_at < $1::timestamptz order by finished_at limit $2::integer)
    returning id, state
  ), forgotten as (
    delete from order_imports i using p where i.delivery_id = p.id and p.state <> all($3::text[])
  ), older as (
    delete from order_imports i using order_imports k join p on p.id = k.delivery_id
    where p.state = any($3::text[]) and i.app_key = k.app_key and i.resource_id = k.resource_id and i.delivery_id < k.delivery_id
  )
  select count(*)::integer as removed from p`;

export async function purgeFinished(sql: Sql, before: number, batch = 5_000): Promise<number> {
  let removed = 0;
  for (;;) {
    const [row] = await sql.query<{ removed: number }>(PURGE, [at(before), batch, LIVE_STATES]);
    removed += row?.removed ?? 0;
    if ((row?.removed ?? 0) < batch) return removed;
  }
}
