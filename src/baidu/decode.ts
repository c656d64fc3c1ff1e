import { isJsonObject } from "../json-object";
import { toBaiduError } from "./errors";
import type { TransportResponse } from "./transport";
import type { WireEnvelope, WireItemResult, WireTokenError, WireTokenResponse } from "./wire";

/** One order's outcome, in our names. Baidu: `rows_affected` 0 means the item failed even when `errno` is 0. */
export interface ItemResult {
  appKey: string;
  /** Null when Baidu's answer carries no numeric `cate_id` (its presence is not confirmed). */
  categoryCode: number | null;
  resourceId: string;
  rowsAffected: number;
  applied: boolean;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Decodes an order-center answer through the three layers, in the order Baidu's SDKs check them:
 * HTTP status, gateway `error_code`, business `errno` (spec §3.2).
 */
export function decodeEnvelope(response: TransportResponse): ItemResult[] {
  if (response.status < 200 || response.status > 299) throw toBaiduError({ layer: "http", status: response.status });
  const body = parse(response.text);
  if (!isJsonObject(body)) throw toBaiduError({ layer: "malformed" });
  const envelope = body as WireEnvelope;
  if (typeof envelope.error_code === "number" && envelope.error_code !== 0) {
    throw toBaiduError({ layer: "gateway", errorCode: envelope.error_code, errorMsg: String(envelope.error_msg ?? "") });
  }
  if (typeof envelope.errno === "number" && envelope.errno !== 0) {
    throw toBaiduError({ layer: "business", errno: envelope.errno, message: String(envelope.msg ?? envelope.errmsg ?? "") });
  }
  if (envelope.errno !== 0 || !Array.isArray(envelope.data)) throw toBaiduError({ layer: "malformed" });
  return envelope.data.map(toItemResult);
}

export function toItemResult(item: WireItemResult): ItemResult {
  const rowsAffected = Number(item.rows_affected);
  const safeRows = Number.isFinite(rowsAffected) ? rowsAffected : 0;
  return {
    appKey: String(item.biz_app_id ?? ""),
    categoryCode: toCode(item.cate_id),
    resourceId: String(item.resource_id ?? ""),
    rowsAffected: safeRows,
    applied: safeRows > 0,
  };
}

function toCode(value: unknown): number | null {
  const code = typeof value === "number" || (typeof value === "string" && value.trim() !== "") ? Number(value) : NaN;
  return Number.isInteger(code) ? code : null;
}

export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

/** Decodes the OAuth answer: a token, or `{"error", "error_description"}` with HTTP 400 (spec §4). */
export function decodeToken(response: TransportResponse): IssuedToken {
  const body = parse(response.text);
  if (isJsonObject(body) && typeof body.error === "string") {
    const error = body as unknown as WireTokenError;
    throw toBaiduError({ layer: "oauth", error: error.error, description: String(error.error_description ?? "") });
  }
  if (response.status < 200 || response.status > 299) throw toBaiduError({ layer: "http", status: response.status });
  const token = body as Partial<WireTokenResponse> | undefined;
  if (!isJsonObject(token) || typeof token.access_token !== "string" || typeof token.expires_in !== "number") {
    throw toBaiduError({ layer: "malformed" });
  }
  return { token: token.access_token, expiresInSeconds: token.expires_in };
}
