import { isJsonObject } from "../lib/json-object";
import { redactSecrets } from "../ops/log";
import { isTokenOutageStatus, type RawFailure } from "./errors";
import type { TransportResponse } from "./transport";
import type { WireEnvelope, WireItemResult, WireTokenError, WireTokenResponse } from "./wire";

/**
 * One order's outcome, in our names. Baidu: `rows_affected` 0 means the item failed even when
 * `errno` is 0.
 */
export interface ItemResult {
  appKey: string;
  /** Null when Baidu's answer carries no numeric `cate_id` (its presence is not confirmed). */
  categoryCode: number | null;
  resourceId: string;
  rowsAffected: number;
  applied: boolean;
  /**
   * False for an order of the write that Baidu's answer left out (`completeResults`): not applied.
   * Absent on results the ledger kept before this field existed; those were all Baidu's.
   */
  reportedByBaidu: boolean;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A decoded order-center answer: one result per item, or why there are none. */
export type Decoded =
  | { results: ItemResult[]; requestId: string | undefined; failure?: undefined }
  | { failure: RawFailure };

/**
 * Decodes an order-center answer through the three layers, in the order Baidu's SDKs check them:
 * HTTP status, gateway `error_code`, business `errno` (contract §3.2).
 */
export function decodeEnvelope(response: TransportResponse): Decoded {
  const body = parse(response.text);
  const requestId = requestIdOf(body);
  if (response.status < 200 || response.status > 299)
    return { failure: { layer: "http", status: response.status, requestId } };
  if (!isJsonObject(body)) return { failure: { layer: "malformed" } };
  const envelope = body as WireEnvelope;
  if (typeof envelope.error_code === "number" && envelope.error_code !== 0) {
    return {
      failure: {
        layer: "gateway",
        errorCode: envelope.error_code,
        errorMsg: String(envelope.error_msg ?? ""),
        requestId,
      },
    };
  }
  if (typeof envelope.errno === "number" && envelope.errno !== 0) {
    return {
      failure: {
        layer: "business",
        errno: envelope.errno,
        message: String(envelope.msg ?? envelope.errmsg ?? ""),
        requestId,
      },
    };
  }
  // Baidu has answered, so the write may have run: anything unreadable from here on is "malformed".
  if (envelope.errno !== 0 || !Array.isArray(envelope.data) || !envelope.data.every(isJsonObject))
    return { failure: { layer: "malformed", requestId } };
  return { results: envelope.data.map(toItemResult), requestId };
}

/**
 * `request_id` as Baidu's SDK base classes read it (contract §3.1: its presence on these answers is
 * inferred), redacted like Baidu's texts: it reaches callers and the ledger.
 */
function requestIdOf(body: unknown): string | undefined {
  const id = isJsonObject(body) ? (body.request_id ?? body.requestId) : undefined;
  return typeof id === "string" || typeof id === "number"
    ? redactSecrets(String(id)).slice(0, 128)
    : undefined;
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
    reportedByBaidu: true,
  };
}

/**
 * One result per order of the write: Baidu's, in Baidu's order, then each order Baidu's answer
 * left out, in the write's order, as not applied and not reported (issue 7). Baidu's own results
 * are kept as they are, even one for an order the write did not name.
 */
export function completeResults(
  results: readonly ItemResult[],
  write: { appKey: string; resourceIds: readonly string[] },
): ItemResult[] {
  const reported = new Set(results.map((result) => result.resourceId));
  const missing = [...new Set(write.resourceIds)].filter((resourceId) => !reported.has(resourceId));
  return [
    ...results,
    ...missing.map((resourceId) => ({
      appKey: write.appKey,
      categoryCode: null,
      resourceId,
      rowsAffected: 0,
      applied: false,
      reportedByBaidu: false,
    })),
  ];
}

function toCode(value: unknown): number | null {
  const code =
    typeof value === "number" || (typeof value === "string" && value.trim() !== "")
      ? Number(value)
      : NaN;
  return Number.isInteger(code) ? code : null;
}

export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

/**
 * Decodes the OAuth answer: a token, or `{"error", "error_description"}` with HTTP 400/401
 * (contract §4). The status comes first: a 5xx, 408 or 429 is an outage whatever its body says
 * (`{"error":"internal"}` included), not a verdict on the credentials. What an `error` means is
 * `verdictOf`'s to decide.
 */
export function decodeToken(response: TransportResponse): IssuedToken | { failure: RawFailure } {
  const { status } = response;
  if (isTokenOutageStatus(status)) return { failure: { layer: "http", status } };
  const body = parse(response.text);
  if (isJsonObject(body) && typeof body.error === "string") {
    const error = body as unknown as WireTokenError;
    return {
      failure: {
        layer: "oauth",
        status,
        error: error.error,
        description: String(error.error_description ?? ""),
      },
    };
  }
  if (status < 200 || status > 299) return { failure: { layer: "http", status } };
  const token = body as Partial<WireTokenResponse> | undefined;
  if (
    !isJsonObject(token) ||
    typeof token.access_token !== "string" ||
    typeof token.expires_in !== "number"
  ) {
    return { failure: { layer: "malformed" } };
  }
  return { token: token.access_token, expiresInSeconds: token.expires_in };
}
