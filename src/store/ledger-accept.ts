import { createHash } from "node:crypto";
import type { EndpointName } from "../baidu/endpoints";
import { at, DELIVERY_COLUMNS, toDelivery, type DeliveryRecord, type DeliveryRow } from "./records";
import type { Sql } from "./sql";

/** A write to record: everything needed to send it later, exactly. */
export interface NewDelivery {
  appKey: string;
  caller: string;
  endpoint: EndpointName;
  resourceIds: readonly string[];
  query: ReadonlyArray<readonly [string, string]>;
  body: string;
  idempotencyKey: string | null;
  acceptedAt: number;
  deadlineAt: number;
  /** The delivery this one sends again (`retryDelivery`). */
  retryOf?: number | null;
  /**
   * The process whose mutation waits for the delivery to end (WAIT mode), to be told when another
   * process ends it.
   */
  waiter?: string | null;
}

/**
 * A new delivery; the earlier one with this idempotency key and the same request; or a conflict.
 */
export type Accepted =
  | { delivery: DeliveryRecord; created: boolean; conflict?: undefined }
  | { conflict: DeliveryRecord };

/**
 * One statement: numbers the write within each of its orders (the upsert's row lock makes
 * concurrent accepts of one order take turns, so numbers follow commit order), records it, and
 * queues it behind the order's earlier writes. Orders are locked in sorted order: no deadlocks.
 */
const ACCEPT = `with d as (
    insert into deliveries (app_key, caller, endpoint, resource_ids, query, body, idempotency_key, request_hash, state,
      accepted_at, updated_at, next_attempt_at, deadline_at, retry_of, waiter)
    values ($1::text, $3::text, $4::text, $5::text[], $6::jsonb, $7::text, $8::text, $9::text, 'PENDING',
      $10::timestamptz, $10::timestamptz, $10::timestamptz, $11::timestamptz, $12::bigint, $13::text)
    on conflict (app_key, idempotency_key) where idempotency_key is not null do nothing
    returning *
  ), seqs as (
    insert into ledger_orders as o (app_key, resource_id, last_seq)
    select $1::text, r, 1 from unnest($2::text[]) as r where exists (select 1 from d)
    on conflict (app_key, resource_id) do update set last_seq = o.last_seq + 1
    returning resource_id, last_seq
  ), q as (
    insert into delivery_queue (app_key, resource_id, seq, delivery_id) select $1::text, s.resource_id, s.last_seq, d.id from seqs s, d
  ), m as (
    insert into delivery_orders (delivery_id, app_key, resource_id) select d.id, $1::text, r from d, unnest($5::text[]) as r
  )
  select ${DELIVERY_COLUMNS} from d`;

/** Commits a write to the ledger before anything is sent. */
export async function acceptDelivery(sql: Sql, write: NewDelivery): Promise<Accepted> {
  const hash = requestHash(write);
  const sorted = [...new Set(write.resourceIds)].sort();
  const params = [
    write.appKey,
    sorted,
    write.caller,
    write.endpoint,
    write.resourceIds,
    JSON.stringify(write.query),
    write.body,
    write.idempotencyKey,
    hash,
    at(write.acceptedAt),
    at(write.deadlineAt),
    write.retryOf ?? null,
    write.waiter ?? null,
  ];
  const [row] = await sql.query<DeliveryRow>(ACCEPT, params);
  if (row) return { delivery: toDelivery(row), created: true };
  // The key was taken: the same request gets the same delivery, another request is refused.
  const [earlier] = await sql.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from deliveries d where app_key = $1 and idempotency_key = $2`,
    [write.appKey, write.idempotencyKey],
  );
  if (!earlier)
    throw new Error("An idempotency key conflicted with a delivery that no longer exists");
  return earlier.request_hash === hash
    ? { delivery: toDelivery(earlier), created: false }
    : { conflict: toDelivery(earlier) };
}

/** Two writes are the same request when they would send the same bytes to the same endpoint. */
function requestHash(write: NewDelivery): string {
  return createHash("sha256")
    .update(`${write.endpoint}\n${JSON.stringify(write.query)}\n${write.body}`)
    .digest("hex");
}
