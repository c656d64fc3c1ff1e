import { createHash } from "node:crypto";
import type { EndpointName } from "../baidu/endpoints";
import { at, DELIVERY_COLUMNS, toDelivery, type DeliveryRecord, type DeliveryRow } from "./records";
import { statement, type Sql } from "./sql";

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
 * One statement for a batch of writes (a JSON array, in the order they were submitted): numbers
 * each write within each of its orders, records it (an import also among its orders' imports, by
 * migration 3's trigger), and queues it behind the order's earlier writes. The writes' ids are
 * drawn first, so that each answer finds its write. A write whose idempotency key is taken is left
 * out (the caller looks up the earlier one). Each order's counter is bumped once by the batch's
 * number of writes to it (the upsert's row lock makes concurrent batches of one order take turns,
 * so numbers follow commit order), and the writes take the numbers in submitted order. Orders are
 * locked in sorted order; two batches can still deadlock when each waits for an idempotency key
 * the other holds, and PostgreSQL then refuses one of them, whose writes the group commit runs
 * again one by one (one write per statement cannot deadlock so).
 */
const ACCEPT = statement(
  "ledger_accept",
  `with w as materialized (
    select w.*, nextval(pg_get_serial_sequence('deliveries', 'id')) as id
    from jsonb_to_recordset($1::jsonb) as w(ord integer, app_key text, caller text, endpoint text, resource_ids text[],
      orders text[], query jsonb, body text, idempotency_key text, request_hash text, accepted_at timestamptz,
      deadline_at timestamptz, retry_of bigint, waiter text)
    order by w.ord
  ), d as (
    insert into deliveries (id, app_key, caller, endpoint, resource_ids, query, body, idempotency_key, request_hash, state,
      accepted_at, updated_at, next_attempt_at, deadline_at, retry_of, waiter)
    overriding system value
    select id, app_key, caller, endpoint, resource_ids, query, body, idempotency_key, request_hash, 'PENDING',
      accepted_at, accepted_at, accepted_at, deadline_at, retry_of, waiter
    from w order by ord
    on conflict (app_key, idempotency_key) where idempotency_key is not null do nothing
    returning *
  ), n as (
    select w.ord, w.id, w.app_key, r.resource_id from w join d on d.id = w.id, unnest(w.orders) as r(resource_id)
  ), c as (
    select app_key, resource_id, count(*) as writes from n group by app_key, resource_id
  ), seqs as (
    insert into ledger_orders as o (app_key, resource_id, last_seq)
    select app_key, resource_id, writes from c order by app_key, resource_id
    on conflict (app_key, resource_id) do update set last_seq = o.last_seq + excluded.last_seq
    returning app_key, resource_id, last_seq
  ), q as (
    insert into delivery_queue (app_key, resource_id, seq, delivery_id)
    select n.app_key, n.resource_id, s.last_seq - c.writes + row_number() over (partition by n.app_key, n.resource_id order by n.ord), n.id
    from n join c using (app_key, resource_id) join seqs s using (app_key, resource_id)
  ), m as (
    insert into delivery_orders (delivery_id, app_key, resource_id) select id, app_key, resource_id from n
  )
  select w.ord, ${DELIVERY_COLUMNS} from w join d on d.id = w.id`,
);

/**
 * Commits writes to the ledger before anything is sent: one statement for all of them. Only a
 * failure of that statement rejects; a write whose key was taken is then looked up on its own, and
 * a failed lookup is that write's Error alone (the batch is committed by then and must not be
 * accepted again).
 */
export async function acceptDeliveries(
  sql: Sql,
  writes: readonly NewDelivery[],
): Promise<Array<Accepted | Error>> {
  const hashes = writes.map(requestHash);
  const batch = writes.map((write, ord) => ({
    ord,
    app_key: write.appKey,
    caller: write.caller,
    endpoint: write.endpoint,
    resource_ids: write.resourceIds,
    orders: [...new Set(write.resourceIds)],
    query: write.query,
    body: write.body,
    idempotency_key: write.idempotencyKey,
    request_hash: hashes[ord],
    accepted_at: at(write.acceptedAt),
    deadline_at: at(write.deadlineAt),
    retry_of: write.retryOf ?? null,
    waiter: write.waiter ?? null,
  }));
  const rows = await sql.query<DeliveryRow & { ord: number }>(ACCEPT, [JSON.stringify(batch)]);
  const created = new Map(rows.map((row) => [row.ord, row]));
  return Promise.all(
    writes.map(async (write, ord): Promise<Accepted | Error> => {
      const row = created.get(ord);
      if (row) return { delivery: toDelivery(row), created: true };
      return earlierWrite(sql, write, hashes[ord]!).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      );
    }),
  );
}

/** Commits one write (`acceptDeliveries` of one). */
export async function acceptDelivery(sql: Sql, write: NewDelivery): Promise<Accepted> {
  const [accepted] = await acceptDeliveries(sql, [write]);
  if (accepted instanceof Error) throw accepted;
  return accepted!;
}

/** The key was taken: the same request gets the same delivery, another request is refused. */
async function earlierWrite(sql: Sql, write: NewDelivery, hash: string): Promise<Accepted> {
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
