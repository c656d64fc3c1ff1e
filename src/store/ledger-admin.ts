import { at, DELIVERY_COLUMNS, toDelivery, type DeliveryRecord, type DeliveryRow } from "./records";
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
 * order's newest import that reached Baidu (migration 3's trigger sees to `order_imports`).
 */
export async function purgeFinished(sql: Sql, before: number, batch = 5_000): Promise<number> {
  let removed = 0;
  for (;;) {
    const rows = await sql.query(
      `delete from deliveries where id in (select id from deliveries where finished_at < $1::timestamptz order by finished_at limit $2::integer) returning id`,
      [at(before), batch],
    );
    removed += rows.length;
    if (rows.length < batch) return removed;
  }
}
