import { orderKey } from "./records";
import { statement, type Sql } from "./sql";

/**
 * The query-string ids an order was imported with (E1 `importOrder`): who the order belongs to and
 * which cashier payment it came from. Exactly one of `openId` and `swanId` is set.
 */
export interface ImportedIds {
  resourceId: string;
  /** The delivery of the import they come from. */
  deliveryId: number;
  openId?: string;
  swanId?: string;
  sceneId?: string;
  sceneType?: number;
}

/**
 * The imports that count: still to be sent, being sent, or sent. One that failed or was cancelled
 * never reached Baidu, and one superseded by a newer import is followed by that newer one.
 */
const LIVE_STATES = ["PENDING", "SENDING", "DELIVERED", "OUTCOME_UNKNOWN"];

/** One order of one app. */
export interface OrderKey {
  appKey: string;
  resourceId: string;
}

/**
 * For each of these orders, the ids of the newest import the ledger holds for it, or null: never
 * imported through the gateway, or its import removed by retention. One statement for them all,
 * along the index of each order's deliveries.
 */
const IMPORTED_IDS = statement(
  "ledger_imported_ids",
  `select distinct on (o.app_key, o.resource_id) o.app_key, o.resource_id, d.id, d.query
    from unnest($1::text[], $2::text[]) as k(app_key, resource_id)
    join delivery_orders o on o.app_key = k.app_key and o.resource_id = k.resource_id
    join deliveries d on d.id = o.delivery_id
    where d.endpoint = 'addMainInfo' and d.state = any($3::text[])
    order by o.app_key, o.resource_id, o.delivery_id desc`,
);

export async function getImportedIds(
  sql: Sql,
  orders: readonly OrderKey[],
): Promise<Array<ImportedIds | null>> {
  const rows = await sql.query<ImportedRow & { app_key: string }>(IMPORTED_IDS, [
    orders.map((order) => order.appKey),
    orders.map((order) => order.resourceId),
    LIVE_STATES,
  ]);
  const found = new Map(rows.map((row) => [orderKey(row.app_key, row.resource_id), row]));
  return orders.map((order) => {
    const row = found.get(orderKey(order.appKey, order.resourceId));
    return row ? toImportedIds(row) : null;
  });
}

interface ImportedRow {
  resource_id: string;
  id: number;
  query: Array<[string, string]>;
}

function toImportedIds(row: ImportedRow): ImportedIds {
  const query = new Map(row.query);
  const ids: ImportedIds = { resourceId: row.resource_id, deliveryId: row.id };
  const openId = query.get("open_id");
  const swanId = query.get("swan_id");
  const sceneId = query.get("scene_id");
  const sceneType = query.get("scene_type");
  if (openId !== undefined) ids.openId = openId;
  if (swanId !== undefined) ids.swanId = swanId;
  if (sceneId !== undefined) ids.sceneId = sceneId;
  if (sceneType !== undefined) ids.sceneType = Number(sceneType);
  return ids;
}
