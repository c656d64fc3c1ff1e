import { SEED_ORDER } from "../src/emulator/dev-app";
import { DEV_APP } from "../src/emulator/dev-app";
import type { Sql } from "../src/store/sql";
import { AFTER_SALE_BODY, AFTER_SALE_QUERY, MANY_ORDER_BASE, SEED_SCENE_ID } from "./upstream";

/** How big a grown ledger is: every delivery ended long ago, inside the retention window. */
export interface GrownLedger {
  deliveries: number;
  /** Orders the deliveries are spread over; the first 1,000 are the `many orders` rows' ones. */
  orders: number;
}

export const MILLION: GrownLedger = { deliveries: 1_000_000, orders: 100_000 };

/**
 * The grown ledger's reference: the load's 1,000 orders with the same history each (an import and
 * nine updates), and nothing else. Against it, the million-delivery ledger differs in size only,
 * not in what each written order holds (an empty ledger would also differ there: no import to
 * look up, no record to fold the write into).
 */
export const REFERENCE: GrownLedger = { deliveries: 10_000, orders: 1_000 };

/** The caller the benchmark's gateways give their one API key (`GATEWAY_API_KEY_SHA256`). */
const CALLER = "env";
const RID = "@RID@";
/** The identity of each of the `orders` orders: the `many orders` rows' numbering, extended. */
const ORDER_ID = `(${MANY_ORDER_BASE}::bigint + (g - 1) % $2::integer)::text`;

/**
 * Fills a fresh, migrated ledger with `size.deliveries` DELIVERED deliveries over `size.orders`
 * orders, as a gateway would have left them after weeks of traffic: per order, one import
 * (addMainInfo, with the ids the emulator's orders were seeded with; migration 3's trigger records
 * it among the order's imports) then update/sub/info writes, each with its order link and its one
 * attempt; each order's sequence and record; the queue empty. Accepted over the 20 days before
 * now, so that retention (30 days by default) removes none of it. One INSERT … SELECT
 * generate_series per table, then VACUUM ANALYZE and a CHECKPOINT, so that the measured window
 * pays neither for statistics, nor for the insert-triggered autovacuum, nor for flushing the bulk
 * load (on a server, the checkpointer's CPU would count as PostgreSQL's).
 */
export async function growLedger(sql: Sql, size: GrownLedger): Promise<void> {
  await insertRows(sql, size);
  for (const table of [
    "deliveries",
    "delivery_orders",
    "order_imports",
    "delivery_attempts",
    "ledger_orders",
  ])
    await sql.query(`vacuum analyze ${table}`);
  await sql.query("checkpoint");
  const [row] = await sql.query<{ count: number }>(
    "select count(*)::integer as count from deliveries",
  );
  if (row?.count !== size.deliveries)
    throw new Error(
      `The grown ledger holds ${row?.count} deliveries instead of ${size.deliveries}`,
    );
}

async function insertRows(sql: Sql, size: GrownLedger): Promise<void> {
  const { deliveries: n, orders: k } = size;
  const updateBody = template(AFTER_SALE_BODY.Data[0] as Record<string, unknown>);
  const importBody = template(SEED_ORDER as unknown as Record<string, unknown>);
  const record = JSON.stringify({ ...SEED_ORDER, ResourceID: RID, EXT: { ...SEED_ORDER.EXT } });
  // The ids `seedOrders` imports the emulator's orders with (AFTER_SALE_QUERY has the open_id).
  const importQuery = [["scene_id", SEED_SCENE_ID], ...AFTER_SALE_QUERY];
  const time = `now() - interval '20 days' + g * (interval '20 days' / $1::integer)`;
  await sql.query(
    `insert into deliveries (id, app_key, caller, endpoint, resource_ids, query, body, idempotency_key, request_hash,
        state, accepted_at, updated_at, next_attempt_at, deadline_at, finished_at, attempt_count, results)
      overriding system value
      select g, $3::text, $4::text, case when g <= $2::integer then 'addMainInfo' else 'updateSubInfo' end,
        array[${ORDER_ID}], case when g <= $2::integer then $7::jsonb else $8::jsonb end,
        replace(case when g <= $2::integer then $5::text else $6::text end, '${RID}', ${ORDER_ID}),
        null, md5(g::text) || md5(${ORDER_ID}), 'DELIVERED', ${time}, ${time} + interval '40 ms', ${time},
        ${time} + interval '1 day', ${time} + interval '40 ms', 1,
        jsonb_build_array(jsonb_build_object('appKey', $3::text, 'categoryCode', 2, 'resourceId', ${ORDER_ID},
          'rowsAffected', 1, 'applied', true, 'reportedByBaidu', true))
      from generate_series(1, $1::integer) g`,
    [
      n,
      k,
      DEV_APP.appKey,
      CALLER,
      importBody,
      updateBody,
      JSON.stringify(importQuery),
      JSON.stringify(AFTER_SALE_QUERY),
    ],
  );
  await sql.query(
    `insert into delivery_orders (delivery_id, app_key, resource_id)
      select g, $3::text, ${ORDER_ID} from generate_series(1, $1::integer) g`,
    [n, k, DEV_APP.appKey],
  );
  await sql.query(
    `insert into delivery_attempts (delivery_id, number, started_at, finished_at, outcome, http_status, errno, request_id)
      select g, 1, ${time}, ${time} + interval '40 ms', 'DELIVERED', 200, 0, md5(g::text)
      from generate_series(1, $1::integer) g`,
    [n],
  );
  // Order g's newest delivery is the last of its round: n - k + g for the g-th order.
  await sql.query(
    `with o as (select ${ORDER_ID} as resource_id, $1::integer - $2::integer + g as last from generate_series(1, $2::integer) g),
      s as (insert into ledger_orders (app_key, resource_id, last_seq) select $3::text, resource_id, $1::integer / $2::integer from o)
      insert into order_records (app_key, resource_id, record, delivered_at, last_delivery_id)
      select $3::text, resource_id, replace($4::text, '${RID}', resource_id)::jsonb, now() - interval '1 hour', last from o`,
    [n, k, DEV_APP.appKey, record],
  );
  await sql.query("select setval(pg_get_serial_sequence('deliveries', 'id'), $1::bigint)", [n]);
}

/** One order item's write body, its ResourceID left to fill in per row. */
function template(item: Record<string, unknown>): string {
  return JSON.stringify({ Data: [{ ...item, ResourceID: RID }] });
}
