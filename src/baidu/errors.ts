import { redactUrl } from "../log";
import { ERRNO, GATEWAY_CODE } from "./wire";

/**
 * What went wrong with one request to Baidu, as the transport and the decoders saw it, before it
 * means anything. `toBaiduError` is the only place that turns one into an error class; messages
 * never carry a URL or a secret.
 */
export type RawFailure = (
  | { layer: "network"; code: string | undefined }
  | { layer: "timeout"; timeoutMs: number }
  | { layer: "http"; status: number }
  | { layer: "malformed" }
  | { layer: "gateway"; errorCode: number; errorMsg: string }
  | { layer: "business"; errno: number; message: string }
  | { layer: "oauth"; error: string; description: string }
) & { requestId?: string | undefined };

/**
 * What a failed attempt means for the write, decided once, where the error is made:
 * - `REJECTED`: Baidu answered and refused it; sending it again cannot help.
 * - `UNAVAILABLE`: it did not reach Baidu's order center (refused connection, QPS or quota refusal,
 *   no access token to be had): safe to send again on every endpoint.
 * - `OUTCOME_UNKNOWN`: Baidu may have executed it (timeout, reset, 5xx, garbage, busy codes).
 * - `MISCONFIGURED`: our side is wrong (credentials refused, fresh tokens rejected).
 */
export type Verdict = "REJECTED" | "UNAVAILABLE" | "OUTCOME_UNKNOWN" | "MISCONFIGURED";

/** Which request of an attempt failed: getting the access token, or the write itself. */
export type Phase = "token" | "write";

/** Base class of every error raised by the Baidu client. */
export abstract class BaiduError extends Error {
  abstract override readonly name: string;
  /** What this failure means for the write; see `Verdict`. */
  readonly verdict: Verdict;
  /** Baidu's `request_id`, when its answer carried one. */
  readonly requestId: string | undefined;
  constructor(message: string, meta: ErrorMeta) {
    super(message);
    this.verdict = meta.verdict;
    this.requestId = meta.requestId;
  }
}

interface ErrorMeta {
  verdict: Verdict;
  requestId: string | undefined;
}

/** The connection failed before an answer arrived; ECONNREFUSED means Baidu never saw the request. */
export class BaiduNetworkError extends BaiduError {
  readonly name = "BaiduNetworkError";
  constructor(
    readonly code: string | undefined,
    meta: ErrorMeta,
  ) {
    super(`Connection to Baidu failed (${code ?? "unknown cause"})`, meta);
  }
}

/** No answer within the configured timeout; Baidu may or may not have executed the call. */
export class BaiduTimeoutError extends BaiduError {
  readonly name = "BaiduTimeoutError";
  constructor(
    readonly timeoutMs: number,
    meta: ErrorMeta,
  ) {
    super(`Baidu did not answer within ${timeoutMs} ms`, meta);
  }
}

/** Baidu answered with a non-2xx HTTP status. */
export class BaiduHttpError extends BaiduError {
  readonly name = "BaiduHttpError";
  constructor(
    readonly status: number,
    meta: ErrorMeta,
  ) {
    super(`Baidu answered HTTP ${status}`, meta);
  }
}

/** Baidu answered 2xx with a body that is not the documented JSON envelope. */
export class BaiduMalformedResponseError extends BaiduError {
  readonly name = "BaiduMalformedResponseError";
  constructor(meta: ErrorMeta) {
    super("Baidu answered with a body that is not the documented JSON envelope", meta);
  }
}

/** Openapi gateway error: `{"error_code", "error_msg"}` (spec §3.2 layer 1). */
export class BaiduGatewayError extends BaiduError {
  readonly name = "BaiduGatewayError";
  constructor(
    readonly errorCode: number,
    readonly errorMsg: string,
    meta: ErrorMeta,
  ) {
    super(`Baidu gateway error_code ${errorCode}: ${errorMsg}`, meta);
  }
}

/** Business error: non-zero `errno` with `msg` or `errmsg` (spec §3.2 layer 2). */
export class BaiduBusinessError extends BaiduError {
  readonly name = "BaiduBusinessError";
  constructor(
    readonly errno: number,
    readonly baiduMessage: string,
    meta: ErrorMeta,
  ) {
    super(`Baidu errno ${errno}: ${baiduMessage}`, meta);
  }
}

/** Baidu's OAuth endpoint refused the app's credentials (for example a reset app secret). */
export class BaiduCredentialsError extends BaiduError {
  readonly name = "BaiduCredentialsError";
  constructor(
    readonly error: string,
    readonly description: string,
    meta: ErrorMeta,
  ) {
    super(`Baidu refused the app credentials: ${error} (${description})`, meta);
  }
}

/** The one switch from a raw failure to an error class, with its verdict. */
export function toBaiduError(raw: RawFailure, phase: Phase): BaiduError {
  const meta = { verdict: verdictOf(raw, phase), requestId: raw.requestId };
  switch (raw.layer) {
    case "network":
      return new BaiduNetworkError(raw.code, meta);
    case "timeout":
      return new BaiduTimeoutError(raw.timeoutMs, meta);
    case "http":
      return new BaiduHttpError(raw.status, meta);
    case "malformed":
      return new BaiduMalformedResponseError(meta);
    // Baidu's own texts are redacted here, once, in case they ever echo a URL with the token.
    case "gateway":
      return new BaiduGatewayError(raw.errorCode, redactUrl(raw.errorMsg), meta);
    case "business":
      return new BaiduBusinessError(raw.errno, redactUrl(raw.message), meta);
    case "oauth":
      return new BaiduCredentialsError(raw.error, raw.description, meta);
  }
}

/**
 * The verdict table. A failed token request never reached the order center, so it is UNAVAILABLE
 * unless OAuth refused the credentials or the token URL itself is wrong (HTTP 4xx but 429).
 */
export function verdictOf(raw: RawFailure, phase: Phase): Verdict {
  if (phase === "token") {
    const refused = raw.layer === "oauth" || (raw.layer === "http" && raw.status < 500 && raw.status !== 429);
    return refused ? "MISCONFIGURED" : "UNAVAILABLE";
  }
  // Reaches a caller only when a freshly fetched token was rejected too.
  if (isTokenRejected(raw)) return "MISCONFIGURED";
  if ((raw.layer === "network" && raw.code === "ECONNREFUSED") || isLoadRejected(raw)) return "UNAVAILABLE";
  if (isTransient(raw)) return "OUTCOME_UNKNOWN";
  return "REJECTED";
}

const TOKEN_GATEWAY_CODES: readonly number[] = [GATEWAY_CODE.tokenInvalid, GATEWAY_CODE.tokenExpired];
const TOKEN_ERRNOS: readonly number[] = ERRNO.tokenRejected;
const QUOTA_GATEWAY_CODES: readonly number[] = [GATEWAY_CODE.requestLimit, GATEWAY_CODE.qpsLimit];
const TRANSIENT_GATEWAY_CODES: readonly number[] = [GATEWAY_CODE.unknown, GATEWAY_CODE.unavailable];
const BUSY_ERRNOS: readonly number[] = ERRNO.busy;

/** Baidu rejected the access token: gateway 110/111, or errno 44002–44004 (spec §3.4, inferred). */
export function isTokenRejected(raw: RawFailure): boolean {
  return (raw.layer === "gateway" && TOKEN_GATEWAY_CODES.includes(raw.errorCode)) || (raw.layer === "business" && TOKEN_ERRNOS.includes(raw.errno));
}

/**
 * Baidu refused the call for load before running it: gateway 4 (cluster quota), 18 (QPS), errno
 * 50029, HTTP 429. Daily (17) and total (19) quotas are final: waiting cannot help.
 */
export function isLoadRejected(raw: RawFailure): boolean {
  return (
    (raw.layer === "gateway" && QUOTA_GATEWAY_CODES.includes(raw.errorCode)) ||
    (raw.layer === "business" && raw.errno === ERRNO.callLimit) ||
    (raw.layer === "http" && raw.status === 429)
  );
}

/** Baidu may or may not have run it, or said "try again": timeouts, resets, 5xx, garbage bodies, busy codes. */
function isTransient(raw: RawFailure): boolean {
  switch (raw.layer) {
    case "network":
    case "timeout":
    case "malformed":
      return true;
    case "http":
      return raw.status >= 500;
    case "gateway":
      return TRANSIENT_GATEWAY_CODES.includes(raw.errorCode);
    case "business":
      return BUSY_ERRNOS.includes(raw.errno);
    case "oauth":
      return false;
  }
}
