import type { Sql } from "./sql";

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

/**
 * The ids of the newest import the ledger holds for each of these orders of one app; an order
 * without one (never imported through the gateway, or its import removed by retention) is left
 * out. One statement, along the index of each order's deliveries.
 */
export async function getImportedIds(
  sql: Sql,
  appKey: string,
  resourceIds: readonly string[],
): Promise<Map<string, ImportedIds>> {
  const rows = await sql.query<{ resource_id: string; id: number; query: Array<[string, string]> }>(
    `select distinct on (o.resource_id) o.resource_id, d.id, d.query
      from delivery_orders o join deliveries d on d.id = o.delivery_id
      where o.app_key = $1::text and o.resource_id = any($2::text[])
        and d.endpoint = 'addMainInfo' and d.state = any($3::text[])
      order by o.resource_id, o.delivery_id desc`,
    [appKey, [...new Set(resourceIds)], LIVE_STATES],
  );
  return new Map(rows.map((row) => [row.resource_id, toImportedIds(row)]));
}

function toImportedIds(row: {
  resource_id: string;
  id: number;
  query: Array<[string, string]>;
}): ImportedIds {
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
