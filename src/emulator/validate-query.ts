import { ENDPOINTS, type EndpointName } from "../baidu/endpoints";
import { need } from "./param-error";
import type { OrderUser } from "./store";

const INTEGER = /^-?\d+$/;

/**
 * Checks the query string of an order-center call (contract §1.1) after the token, and returns the
 * user it names. Throws ParamError.
 */
export function checkQuery(name: EndpointName, query: Record<string, string>): OrderUser {
  const { open_id: openId, swan_id: swanId } = query;
  need(
    Boolean(openId) !== Boolean(swanId),
    "open_id/swan_id",
    "must be given, exactly one of them",
  );
  if (ENDPOINTS[name].sceneRequired) need(Boolean(query.scene_id), "scene_id");
  need(Boolean(query.pm_app_key), "pm_app_key");
  if (query.scene_type !== undefined)
    need(INTEGER.test(query.scene_type), "scene_type", "must be an integer");
  return openId ? { openId } : { swanId: swanId! };
}
