import { redactUrl } from "../log";
import { ERRNO, GATEWAY_CODE } from "./wire";

/**
 * What went wrong with one Baidu call, as the client saw it. `toBaiduError` is the only place
 * that turns a raw failure into one of these classes; messages never carry a URL or a secret.
 */
export type RawFailure =
  | { layer: "network"; code: string | undefined }
  | { layer: "timeout"; timeoutMs: number }
  | { layer: "http"; status: number }
  | { layer: "malformed" }
  | { layer: "gateway"; errorCode: number; errorMsg: string }
  | { layer: "business"; errno: number; message: string }
  | { layer: "oauth"; error: string; description: string };

/** Base class of every error raised by the Baidu client. */
export abstract class BaiduError extends Error {
  abstract override readonly name: string;
  /**
   * This failure came from sending the write itself, not from getting its access token. Token
   * fetches are shared by concurrent calls, so their errors are never marked.
   */
  sent = false;
  /** Baidu may have executed the write: in this attempt, or in an earlier one of the same call. */
  outcomeUnknown = false;
}

/** The connection failed before an answer arrived. `refused` means Baidu never saw the request. */
export class BaiduNetworkError extends BaiduError {
  readonly name = "BaiduNetworkError";
  readonly refused: boolean;
  constructor(readonly code: string | undefined) {
    super(`Connection to Baidu failed (${code ?? "unknown cause"})`);
    this.refused = code === "ECONNREFUSED";
  }
}

/** No answer within the configured timeout; Baidu may or may not have executed the call. */
export class BaiduTimeoutError extends BaiduError {
  readonly name = "BaiduTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`Baidu did not answer within ${timeoutMs} ms`);
  }
}

/** Baidu answered with a non-2xx HTTP status. */
export class BaiduHttpError extends BaiduError {
  readonly name = "BaiduHttpError";
  constructor(readonly status: number) {
    super(`Baidu answered HTTP ${status}`);
  }
}

/** Baidu answered 2xx with a body that is not the documented JSON envelope. */
export class BaiduMalformedResponseError extends BaiduError {
  readonly name = "BaiduMalformedResponseError";
  constructor() {
    super("Baidu answered with a body that is not the documented JSON envelope");
  }
}

/** Openapi gateway error: `{"error_code", "error_msg"}` (spec §3.2 layer 1). */
export class BaiduGatewayError extends BaiduError {
  readonly name = "BaiduGatewayError";
  constructor(
    readonly errorCode: number,
    readonly errorMsg: string,
  ) {
    super(`Baidu gateway error_code ${errorCode}: ${errorMsg}`);
  }
}

/** Business error: non-zero `errno` with `msg` or `errmsg` (spec §3.2 layer 2). */
export class BaiduBusinessError extends BaiduError {
  readonly name = "BaiduBusinessError";
  constructor(
    readonly errno: number,
    readonly baiduMessage: string,
  ) {
    super(`Baidu errno ${errno}: ${baiduMessage}`);
  }
}

/** Baidu's OAuth endpoint refused the app's credentials (for example a reset app secret). */
export class BaiduCredentialsError extends BaiduError {
  readonly name = "BaiduCredentialsError";
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`Baidu refused the app credentials: ${error} (${description})`);
  }
}

/** The one switch from a raw failure to an error class. */
export function toBaiduError(raw: RawFailure): BaiduError {
  switch (raw.layer) {
    case "network":
      return new BaiduNetworkError(raw.code);
    case "timeout":
      return new BaiduTimeoutError(raw.timeoutMs);
    case "http":
      return new BaiduHttpError(raw.status);
    case "malformed":
      return new BaiduMalformedResponseError();
    // Baidu's own texts are redacted here, once, in case they ever echo a URL with the token.
    case "gateway":
      return new BaiduGatewayError(raw.errorCode, redactUrl(raw.errorMsg));
    case "business":
      return new BaiduBusinessError(raw.errno, redactUrl(raw.message));
    case "oauth":
      return new BaiduCredentialsError(raw.error, raw.description);
  }
}

const TOKEN_GATEWAY_CODES: readonly number[] = [GATEWAY_CODE.tokenInvalid, GATEWAY_CODE.tokenExpired];
const TOKEN_ERRNOS: readonly number[] = ERRNO.tokenRejected;
const QUOTA_GATEWAY_CODES: readonly number[] = [GATEWAY_CODE.requestLimit, GATEWAY_CODE.qpsLimit];
const TRANSIENT_GATEWAY_CODES: readonly number[] = [GATEWAY_CODE.unknown, GATEWAY_CODE.unavailable];
const BUSY_ERRNOS: readonly number[] = ERRNO.busy;

/** Baidu rejected the access token: gateway 110/111, or errno 44002–44004 (spec §3.4, inferred). */
export function isTokenRejected(error: unknown): boolean {
  return (
    (error instanceof BaiduGatewayError && TOKEN_GATEWAY_CODES.includes(error.errorCode)) ||
    (error instanceof BaiduBusinessError && TOKEN_ERRNOS.includes(error.errno))
  );
}

/**
 * Baidu refused the call for load before running it: gateway 4 (cluster quota), 18 (QPS), errno
 * 50029, HTTP 429. Daily (17) and total (19) quotas are not retried: waiting seconds cannot help.
 */
export function isLoadRejected(error: unknown): boolean {
  return (
    (error instanceof BaiduGatewayError && QUOTA_GATEWAY_CODES.includes(error.errorCode)) ||
    (error instanceof BaiduBusinessError && error.errno === ERRNO.callLimit) ||
    (error instanceof BaiduHttpError && error.status === 429)
  );
}

/** Outcome unknown or Baidu said "try again": timeouts, resets, 5xx, garbage bodies, busy codes. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof BaiduNetworkError ||
    error instanceof BaiduTimeoutError ||
    error instanceof BaiduMalformedResponseError ||
    (error instanceof BaiduHttpError && error.status >= 500) ||
    (error instanceof BaiduGatewayError && TRANSIENT_GATEWAY_CODES.includes(error.errorCode)) ||
    (error instanceof BaiduBusinessError && BUSY_ERRNOS.includes(error.errno))
  );
}

/** A failed attempt that Baidu may still have executed: transient, except a refused connection. */
export function mayHaveExecuted(error: unknown): boolean {
  return isTransient(error) && !(error instanceof BaiduNetworkError && error.refused);
}
