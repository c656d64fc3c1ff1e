import { TOKEN_GRANT_TYPE, TOKEN_SCOPE } from "../baidu/endpoints";
import type { WireTokenError } from "../baidu/wire";
import { TOKEN_ERRORS } from "./baidu-text";
import { jsonReply, textReply, type Reply } from "./reply";
import type { TokenRegistry } from "./tokens";

export interface TokenCall {
  method: string;
  query: Record<string, string>;
  contentType: string;
  rawBody: string;
}

/** App credentials as configured in the Baidu developer console. */
export interface AppCredentials {
  appKey: string;
  appSecret: string;
}

const REQUIRED = ["grant_type", "client_id", "client_secret"] as const;

/**
 * The client-credentials grant (contract §4). Baidu's SDKs send a GET with a query string; the doc
 * recommends POST, so a POST may also carry the parameters as a form body.
 */
export function handleTokenCall(
  call: TokenCall,
  apps: readonly AppCredentials[],
  tokens: TokenRegistry,
): Reply {
  if (call.method !== "GET" && call.method !== "POST") return textReply(405);
  const params = tokenParams(call);
  const missing = REQUIRED.find((name) => !params[name]);
  if (missing) return tokenError("invalid_request", `missing required parameter: ${missing}`);
  if (params.grant_type !== TOKEN_GRANT_TYPE)
    return tokenError("unsupported_grant_type", TOKEN_ERRORS.unsupported_grant_type);
  const app = apps.find((candidate) => candidate.appKey === params.client_id);
  if (!app || app.appSecret !== params.client_secret)
    return tokenError("invalid_client", TOKEN_ERRORS.invalid_client);
  if (params.scope !== TOKEN_SCOPE) return tokenError("invalid_scope", TOKEN_ERRORS.invalid_scope);
  return jsonReply(tokens.issue(app.appKey));
}

function tokenParams(call: TokenCall): Record<string, string> {
  if (call.method !== "POST" || !call.contentType.startsWith("application/x-www-form-urlencoded"))
    return call.query;
  return { ...call.query, ...Object.fromEntries(new URLSearchParams(call.rawBody)) };
}

/** Baidu OAuth errors come back as HTTP 400 (contract §4). */
function tokenError(error: string, description: string): Reply {
  const body: WireTokenError = { error, error_description: description };
  return jsonReply(body, 400);
}
