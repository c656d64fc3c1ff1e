import type { WireOrderItem } from "../baidu/wire";
import {
  at,
  DELIVERY_COLUMNS,
  toDelivery,
  type AttemptRecord,
  type DeliveryRecord,
  type DeliveryRow,
  type DeliveryState,
  type OrderRecord,
} from "./records";
import type { Sql } from "./sql";

export async function getDeliveries(sql: Sql, ids: readonly number[]): Promise<DeliveryRecord[]> {
  const rows = await sql.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from deliveries d where d.id = any($1::bigint[])`,
    [ids],
  );
  return rows.map(toDelivery);
}

/** The deliveries of `ids`, in that order; undefined where none has the id. */
export async function getDeliveriesById(
  sql: Sql,
  ids: readonly number[],
): Promise<Array<DeliveryRecord | undefined>> {
  const byId = new Map((await getDeliveries(sql, ids)).map((delivery) => [delivery.id, delivery]));
  return ids.map((id) => byId.get(id));
}

export interface DeliveryFilter {
  /** The apps the caller may see; always applied. */
  visibleApps: readonly string[] | "*";
  appKey?: string | null;
  resourceId?: string | null;
  state?: DeliveryState | null;
  /** Accepted at or after, in ms. */
  since?: number | null;
}

/** Newest first; `before` is the id of the last delivery of the previous page. */
export async function listDeliveries(
  sql: Sql,
  filter: DeliveryFilter,
  first: number,
  before: number | null,
): Promise<{ deliveries: DeliveryRecord[]; hasMore: boolean }> {
  const rows = await sql.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from deliveries d
      where ($1::text[] is null or d.app_key = any($1::text[]))
        and ($2::text is null or d.app_key = $2)
        and ($3::text is null or exists (select 1 from delivery_orders o where o.delivery_id = d.id and o.resource_id = $3))
        and ($4::text is null or d.state = $4)
        and ($5::timestamptz is null or d.accepted_at >= $5)
        and ($6::bigint is null or d.id < $6)
      order by d.id desc limit $7::integer`,
    [
      filter.visibleApps === "*" ? null : filter.visibleApps,
      filter.appKey ?? null,
      filter.resourceId ?? null,
      filter.state ?? null,
      filter.since == null ? null : at(filter.since),
      before,
      first + 1,
    ],
  );
  return { deliveries: rows.slice(0, first).map(toDelivery), hasMore: rows.length > first };
}

export async function getOrders(
  sql: Sql,
  keys: ReadonlyArray<{ appKey: string; resourceId: string }>,
): Promise<OrderRecord[]> {
  const rows = await sql.query<{
    app_key: string;
    resource_id: string;
    record: WireOrderItem | null;
    delivered_at: Date | null;
    last_delivery_id: number | null;
  }>(
    `select o.app_key, o.resource_id, r.record, r.delivered_at, r.last_delivery_id
      from ledger_orders o join unnest($1::text[], $2::text[]) as k (app_key, resource_id) on o.app_key = k.app_key and o.resource_id = k.resource_id
      left join order_records r on r.app_key = o.app_key and r.resource_id = o.resource_id`,
    [keys.map((key) => key.appKey), keys.map((key) => key.resourceId)],
  );
  return rows.map((row) => ({
    appKey: row.app_key,
    resourceId: row.resource_id,
    record: row.record,
    deliveredAt: row.delivered_at?.getTime() ?? null,
    lastDeliveryId: row.last_delivery_id,
  }));
}

export async function getAttempts(
  sql: Sql,
  deliveryIds: readonly number[],
): Promise<AttemptRecord[]> {
  const rows = await sql.query<{
    delivery_id: number;
    number: number;
    started_at: Date;
    finished_at: Date;
    outcome: AttemptRecord["outcome"];
    http_status: number | null;
    error_code: number | null;
    errno: number | null;
    message: string | null;
    request_id: string | null;
  }>(
    `select * from delivery_attempts where delivery_id = any($1::bigint[]) order by delivery_id, number`,
    [deliveryIds],
  );
  return rows.map((row) => ({
    deliveryId: row.delivery_id,
    number: row.number,
    startedAt: row.started_at.getTime(),
    finishedAt: row.finished_at.getTime(),
    outcome: row.outcome,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    errno: row.errno,
    message: row.message,
    requestId: row.request_id,
  }));
}

/**
 * The ledger's figures every replica shares: deliveries not yet ended, and the oldest one waiting.
 */
export async function openDeliveryFigures(
  sql: Sql,
  now: number,
): Promise<{ pending: number; sending: number; oldestPendingSeconds: number }> {
  const [row] = await sql.query<{
    pending: string | number;
    sending: string | number;
    oldest: Date | null;
  }>(
    `select count(*) filter (where state = 'PENDING') as pending, count(*) filter (where state = 'SENDING') as sending,
        min(accepted_at) filter (where state = 'PENDING') as oldest
      from deliveries where state in ('PENDING', 'SENDING')`,
  );
  const oldest = row?.oldest?.getTime();
  return {
    pending: Number(row?.pending ?? 0),
    sending: Number(row?.sending ?? 0),
    oldestPendingSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000),
  };
}
