import { redactSecrets, type UpstreamFault } from "../ops/log";
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
  /**
   * OAuth's `{"error", "error_description"}`, with the HTTP status it came with (never 5xx, 408 or
   * 429: those are `http`).
   */
  | { layer: "oauth"; status: number; error: string; description: string }
) & { requestId?: string | undefined };

/**
 * The app a failure is about, as the client knows it: its key and its configured name (for the
 * log).
 */
export interface AppLabel {
  appKey: string;
  name?: string | undefined;
}

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

/**
 * Base class of every error raised by the Baidu client. It reports Baidu's answer (or its absence),
 * not a fault of the gateway: it is logged without a stack (`UpstreamFault`).
 */
export abstract class BaiduError extends Error implements UpstreamFault {
  abstract override readonly name: string;
  /** What this failure means for the write; see `Verdict`. */
  readonly verdict: Verdict;
  /** Baidu's `request_id`, when its answer carried one. */
  readonly requestId: string | undefined;
  /**
   * The app whose request failed, when the client said (its key and configured name, never its
   * secret).
   */
  readonly app: AppLabel | undefined;
  constructor(message: string, meta: ErrorMeta) {
    super(message);
    this.verdict = meta.verdict;
    this.requestId = meta.requestId;
    this.app = meta.app;
  }

  /** On the prototype, so it is not one of the error's own fields in a log line. */
  get upstreamFault(): true {
    return true;
  }
}

interface ErrorMeta {
  verdict: Verdict;
  requestId: string | undefined;
  app?: AppLabel | undefined;
}

/**
 * The connection failed before an answer arrived; ECONNREFUSED means Baidu never saw the request.
 */
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

/** Openapi gateway error: `{"error_code", "error_msg"}` (contract §3.2 layer 1). */
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

/** Business error: non-zero `errno` with `msg` or `errmsg` (contract §3.2 layer 2). */
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

/**
 * Baidu's OAuth endpoint answered with an `error` that is not a refusal of the credentials
 * (`server_error`, `temporarily_unavailable`, or an unknown one with HTTP 2xx): no token for now.
 */
export class BaiduTokenUnavailableError extends BaiduError {
  readonly name = "BaiduTokenUnavailableError";
  constructor(
    readonly error: string,
    readonly description: string,
    meta: ErrorMeta,
  ) {
    super(`Baidu did not issue an access token: ${error}`, meta);
  }
}

/**
 * The one switch from a raw failure to an error class, with its verdict. `app`, when given, is
 * kept on the error by its key and name only, so that the log can name the app.
 */
export function toBaiduError(raw: RawFailure, phase: Phase, app?: AppLabel): BaiduError {
  const meta = {
    verdict: verdictOf(raw, phase),
    requestId: raw.requestId,
    app: app && { appKey: app.appKey, name: app.name },
  };
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
      return new BaiduGatewayError(raw.errorCode, redactSecrets(raw.errorMsg), meta);
    case "business":
      return new BaiduBusinessError(raw.errno, redactSecrets(raw.message), meta);
    // OAuth's texts are kept short and redacted: an unknown `error` may be anything.
    case "oauth": {
      const [error, description] = [
        // Redacted before it is cut: a cut through a secret would leave its first part behind.
        redactSecrets(raw.error).slice(0, 100),
        redactSecrets(raw.description).slice(0, 500),
      ];
      return meta.verdict === "MISCONFIGURED"
        ? new BaiduCredentialsError(error, description, meta)
        : new BaiduTokenUnavailableError(error, description, meta);
    }
  }
}

/**
 * The verdict table. A failed token request never reached the order center, so it is UNAVAILABLE
 * (an outage: retried, the write stays queued) unless the token endpoint refused us: see
 * `tokenVerdict`.
 */
export function verdictOf(raw: RawFailure, phase: Phase): Verdict {
  if (phase === "token") return tokenVerdict(raw);
  // Reaches a caller only when a freshly fetched token was rejected too.
  if (isTokenRejected(raw)) return "MISCONFIGURED";
  if ((raw.layer === "network" && raw.code === "ECONNREFUSED") || isLoadRejected(raw))
    return "UNAVAILABLE";
  if (isTransient(raw)) return "OUTCOME_UNKNOWN";
  return "REJECTED";
}

/**
 * OAuth 2.0's refusals (RFC 6749 §5.2; Baidu answers them with HTTP 400 or 401, contract §4): the
 * credentials or the token request the gateway builds are wrong, and waiting cannot mend them.
 */
const OAUTH_REFUSALS: readonly string[] = [
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "access_denied",
];
/**
 * OAuth 2.0's own "try again later" errors (RFC 6749 §4.1.2.1), whatever the status they come with.
 */
const OAUTH_OUTAGES: readonly string[] = ["server_error", "temporarily_unavailable"];

/**
 * A failed token request:
 * - HTTP 5xx, 408 or 429 whatever the body says, a timeout, a network error or a garbled answer:
 *   the token endpoint is down or busy, UNAVAILABLE;
 * - an OAuth refusal (`invalid_client` and its siblings), with any status: MISCONFIGURED;
 * - `server_error` or `temporarily_unavailable`: UNAVAILABLE;
 * - any other `error` with HTTP 4xx: MISCONFIGURED (the endpoint refused the request; nothing says
 *   waiting helps, and a MISCONFIGURED delivery is
 * retried all the same), with HTTP 2xx: UNAVAILABLE
 *   (an answer that is neither a token nor a refusal, like a garbled one);
 * - any other HTTP 4xx (the token URL itself is wrong): MISCONFIGURED.
 */
function tokenVerdict(raw: RawFailure): Verdict {
  switch (raw.layer) {
    case "http":
      return isTokenOutageStatus(raw.status) ? "UNAVAILABLE" : "MISCONFIGURED";
    case "oauth":
      if (OAUTH_REFUSALS.includes(raw.error)) return "MISCONFIGURED";
      if (OAUTH_OUTAGES.includes(raw.error) || isTokenOutageStatus(raw.status))
        return "UNAVAILABLE";
      return raw.status >= 200 && raw.status <= 299 ? "UNAVAILABLE" : "MISCONFIGURED";
    default:
      return "UNAVAILABLE";
  }
}

/** Statuses of a token endpoint that is down or busy, not of one that refused the request. */
export function isTokenOutageStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

const TOKEN_GATEWAY_CODES: readonly number[] = [
  GATEWAY_CODE.tokenInvalid,
  GATEWAY_CODE.tokenExpired,
];
const TOKEN_ERRNOS: readonly number[] = ERRNO.tokenRejected;
const QUOTA_GATEWAY_CODES: readonly number[] = [GATEWAY_CODE.requestLimit, GATEWAY_CODE.qpsLimit];
const TRANSIENT_GATEWAY_CODES: readonly number[] = [GATEWAY_CODE.unknown, GATEWAY_CODE.unavailable];
const BUSY_ERRNOS: readonly number[] = ERRNO.busy;

/**
 * Baidu rejected the access token: gateway 110/111, or errno 44002–44004 (contract §3.4, inferred).
 */
export function isTokenRejected(raw: RawFailure): boolean {
  return (
    (raw.layer === "gateway" && TOKEN_GATEWAY_CODES.includes(raw.errorCode)) ||
    (raw.layer === "business" && TOKEN_ERRNOS.includes(raw.errno))
  );
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

/**
 * Baidu may or may not have run it, or said "try again": timeouts, resets, 5xx, garbage bodies,
 * busy codes.
 */
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
