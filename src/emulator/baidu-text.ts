import { ERRNO, GATEWAY_CODE } from "../baidu/wire";

/** Baidu openapi gateway `error_msg` texts (contract §3.3). */
export const GATEWAY_MESSAGES: Readonly<Record<number, string>> = {
  [GATEWAY_CODE.unknown]: "Unknown error",
  [GATEWAY_CODE.unavailable]: "Service temporarily unavailable",
  [GATEWAY_CODE.unsupportedMethod]: "Unsupported openapi method",
  [GATEWAY_CODE.requestLimit]: "Open api request limit reached",
  5: "Unauthorized client IP address",
  [GATEWAY_CODE.noPermission]: "No permission to access data",
  7: "No permission to access data for this referer",
  [GATEWAY_CODE.dailyLimit]: "Open api daily request limit reached",
  [GATEWAY_CODE.qpsLimit]: "Open api qps request limit reached",
  [GATEWAY_CODE.totalLimit]: "Open api total request limit reached",
  [GATEWAY_CODE.invalidParameter]: "Invalid parameter",
  101: "Invalid API key",
  104: "Incorrect signature",
  [GATEWAY_CODE.tokenInvalid]: "Access token invalid or no longer valid",
  [GATEWAY_CODE.tokenExpired]: "Access token expired",
  900: "No such application exists",
};

/**
 * Texts for the smartapp `errno` values of Baidu's Java SDK enum (contract §3.4); Baidu's exact
 * wording is not known.
 */
export const ERRNO_MESSAGES: Readonly<Record<number, string>> = {
  [ERRNO.ok]: "success",
  [-1024]: "business exception",
  500: "network busy, retry later",
  501: "network busy, retry later",
  5000: "network busy, retry later",
  1000: "internal error",
  2002: "param invalid",
  6001: "no permission",
  6002: "request to downstream failed",
  40000: "record already exists",
  [ERRNO.paramError]: "parameter error",
  41000: "parameter type error",
  44001: "no access permission",
  44002: "token revoked",
  44003: "token expired",
  44004: "token authentication failed",
  45000: "mini program does not exist",
  45001: "no permission for this mini program",
  [ERRNO.callLimit]: "API call count exceeded",
};

/** Baidu OAuth2.0 `error_description` texts (contract §4). */
export const TOKEN_ERRORS = {
  invalid_client: "unknown client id",
  unsupported_grant_type: "The authorization grant type is not supported",
  invalid_scope: "The requested scope is exceeds the scope granted by the resource owner",
} as const;

export function gatewayMessage(code: number): string {
  return GATEWAY_MESSAGES[code] ?? "Unknown error";
}

export function errnoMessage(errno: number): string {
  return ERRNO_MESSAGES[errno] ?? "error";
}
