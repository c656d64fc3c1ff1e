import { randomBytes, randomInt } from "node:crypto";
import { TOKEN_SCOPE } from "../baidu/endpoints";
import { GATEWAY_CODE, type WireTokenResponse } from "../baidu/wire";

export type TokenCheck =
  | { ok: true; appKey: string }
  | { ok: false; code: typeof GATEWAY_CODE.tokenInvalid | typeof GATEWAY_CODE.tokenExpired };

interface IssuedToken {
  appKey: string;
  expiresAtMs: number;
  revoked: boolean;
  forcedExpired: boolean;
}

/**
 * Refresh tokens are valid for ten years on Baidu's TP platform (contract §4); the emulator never
 * accepts them back.
 */
const REFRESH_LIFETIME_SECONDS = 315_360_000;

/**
 * Issued access tokens. Whether a new token revokes the previous one is undocumented (contract §4),
 * so every token stays valid until it expires or a test revokes it.
 */
export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly lifetimeSeconds: number,
    private readonly now: () => number,
  ) {}

  issue(appKey: string): WireTokenResponse {
    const nowMs = this.now();
    const accessToken = tokenString("24", this.lifetimeSeconds, nowMs);
    this.tokens.set(accessToken, {
      appKey,
      expiresAtMs: nowMs + this.lifetimeSeconds * 1000,
      revoked: false,
      forcedExpired: false,
    });
    return {
      access_token: accessToken,
      expires_in: this.lifetimeSeconds,
      refresh_token: tokenString("25", REFRESH_LIFETIME_SECONDS, nowMs),
      scope: TOKEN_SCOPE,
      session_key: "",
      session_secret: "",
    };
  }

  check(token: string): TokenCheck {
    const issued = this.tokens.get(token);
    if (!issued || issued.revoked) return { ok: false, code: GATEWAY_CODE.tokenInvalid };
    if (issued.forcedExpired || this.now() >= issued.expiresAtMs)
      return { ok: false, code: GATEWAY_CODE.tokenExpired };
    return { ok: true, appKey: issued.appKey };
  }

  expireAll(): void {
    for (const issued of this.tokens.values()) issued.forcedExpired = true;
  }

  revokeAll(): void {
    for (const issued of this.tokens.values()) issued.revoked = true;
  }
}

/**
 * Baidu's shape: `<type>.<32 hex>.<lifetime s>.<expiry unix s>.<digits>-<digits>` (contract §2.8,
 * §4).
 */
function tokenString(type: string, lifetimeSeconds: number, nowMs: number): string {
  const expiry = Math.floor(nowMs / 1000) + lifetimeSeconds;
  const hex = randomBytes(16).toString("hex");
  return `${type}.${hex}.${lifetimeSeconds}.${expiry}.${randomInt(100_000, 1_000_000)}-${randomInt(10_000_000, 100_000_000)}`;
}
