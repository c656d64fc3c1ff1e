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
 * never reached Baidu, and one superseded by a newer import is followed by that newer one. An
 * import whose delivery retention removed was kept only if it counted (migration 3's trigger, which
 * names the final ones of these states).
 */
const LIVE_STATES = ["PENDING", "SENDING", "DELIVERED", "OUTCOME_UNKNOWN"];

/** One order of one app. */
export interface OrderKey {
  appKey: string;
  resourceId: string;
}

/**
 * For each of these orders, the ids of the newest import that counts, or null: never imported
 * through the gateway, every import failed or cancelled, or the import removed by retention before
 * migration 3. One statement for them all, along each order's imports alone (an order's
 * updates, however many, are not read).
 */
const IMPORTED_IDS = statement(
  "ledger_imported_ids",
  `select distinct on (i.app_key, i.resource_id) i.app_key, i.resource_id, i.delivery_id as id, i.query
    from unnest($1::text[], $2::text[]) as k(app_key, resource_id)
    join order_imports i on i.app_key = k.app_key and i.resource_id = k.resource_id
    left join deliveries d on d.id = i.delivery_id
    where d.id is null or d.state = any($3::text[])
    order by i.app_key, i.resource_id, i.delivery_id desc`,
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
