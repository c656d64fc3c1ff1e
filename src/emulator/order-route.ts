import type { EndpointName } from "../baidu/endpoints";
import { ERRNO, GATEWAY_CODE, type WireItemResult, type WireOrderItem } from "../baidu/wire";
import { ParamError } from "./param-error";
import { errnoReply, gatewayErrorReply, jsonReply, type Reply } from "./reply";
import type { OrderStore } from "./store";
import type { TokenRegistry } from "./tokens";
import { checkBody, type BodyRules } from "./validate-body";
import { checkQuery } from "./validate-query";

export interface OrderCall {
  method: string;
  query: Record<string, string>;
  /** Parsed JSON, the raw text, or undefined. */
  body: unknown;
}

/**
 * One order-center call, checked in Baidu's layer order: method and token (gateway `error_code`),
 * then query and body (business `errno`), then each item applied (`rows_affected`).
 */
export function handleOrderCall(
  name: EndpointName,
  call: OrderCall,
  tokens: TokenRegistry,
  store: OrderStore,
  rules: BodyRules = {},
): Reply {
  if (call.method !== "POST") return gatewayErrorReply(GATEWAY_CODE.unsupportedMethod);
  const token = call.query.access_token;
  if (!token) return gatewayErrorReply(GATEWAY_CODE.invalidParameter);
  const auth = tokens.check(token);
  if (!auth.ok) return gatewayErrorReply(auth.code);
  try {
    const user = checkQuery(name, call.query);
    const items = checkBody(name, call.body, auth.appKey, rules);
    const data = items.map((item) => toResult(item, store[name](item, user)));
    return jsonReply({ errno: ERRNO.ok, msg: "success", data });
  } catch (error) {
    if (error instanceof ParamError) return errnoReply(ERRNO.paramError, error.message);
    throw error;
  }
}

/** Baidu's example answers `cate_id` and `rows_affected` as strings (contract §3.1). */
function toResult(item: WireOrderItem, applied: boolean): WireItemResult {
  return {
    biz_app_id: item.BizAPPID,
    cate_id: String(item.CateID),
    resource_id: item.ResourceID,
    rows_affected: applied ? "1" : "0",
  };
}
