import { createHash, createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import { SignJWT } from "jose";
import type { JwtConfig } from "../config/types";
import { ALL_ROLES, type Role } from "./roles";

/**
 * Development tokens (`npm run dev-token`) are signed by a key anyone can derive from this text,
 * like DEV_API_KEY: the gateway trusts them only in development mode with its in-process emulator,
 * never in production and never with real Baidu apps.
 */
const DEV_KEY_SEED_TEXT = "dev-only-jwt-key-for-the-local-emulator";

export const DEV_TOKEN_ISSUER = "urn:baidu-ordercenter-gateway:development";
export const DEV_TOKEN_AUDIENCE = "baidu-ordercenter-gateway";
const DEV_TOKEN_KID = "development";

/** Development tokens live 15 minutes unless asked otherwise, and never more than an hour. */
export const DEV_TOKEN_LIFETIME_SECONDS = 900;
export const DEV_TOKEN_MAX_LIFETIME_SECONDS = 3600;

/** RFC 8410's PKCS #8 wrapping of a 32-byte Ed25519 seed, which the seed then follows. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

const devPrivateKey = () =>
  createPrivateKey({
    key: Buffer.concat([
      ED25519_PKCS8_PREFIX,
      createHash("sha256").update(DEV_KEY_SEED_TEXT).digest(),
    ]),
    format: "der",
    type: "pkcs8",
  });

/** How a development gateway checks development tokens: the claims have the default names. */
export function devTokenConfig(): JwtConfig {
  const publicKey: JsonWebKey = {
    ...createPublicKey(devPrivateKey()).export({ format: "jwk" }),
    kid: DEV_TOKEN_KID,
    alg: "EdDSA",
    use: "sig",
  };
  return {
    issuer: DEV_TOKEN_ISSUER,
    audience: [DEV_TOKEN_AUDIENCE],
    jwksUrl: null,
    publicKeys: [publicKey],
    algorithms: ["EdDSA"],
    clockToleranceSeconds: 5,
    jwksCooldownMs: 30_000,
    jwksMaxAgeMs: 600_000,
    jwksTimeoutMs: 5000,
    claims: { apps: ["baidu_apps"], roles: ["roles"] },
    roleMap: null,
    // A development token acts for every app of the emulator by default.
    allowAllApps: true,
  };
}

export interface DevTokenOptions {
  /** `sub`: the caller is named `jwt:<subject>` in logs and the ledger. Default "developer". */
  subject?: string;
  /** App keys the token may act for; default every app (`*`). */
  apps?: string[];
  /** Default every role. */
  roles?: Role[];
  /** Default DEV_TOKEN_LIFETIME_SECONDS; at most DEV_TOKEN_MAX_LIFETIME_SECONDS. */
  lifetimeSeconds?: number;
  /** Milliseconds since the epoch; default now. */
  now?: number;
}

/** A development token, signed with the development key. */
export async function mintDevToken(options: DevTokenOptions = {}): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? DEV_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > DEV_TOKEN_MAX_LIFETIME_SECONDS)
    throw new RangeError(
      `a development token lives 1 to ${DEV_TOKEN_MAX_LIFETIME_SECONDS} seconds`,
    );
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  return new SignJWT({
    baidu_apps: options.apps ?? ["*"],
    roles: options.roles ?? [...ALL_ROLES],
  })
    .setProtectedHeader({ alg: "EdDSA", kid: DEV_TOKEN_KID, typ: "JWT" })
    .setIssuer(DEV_TOKEN_ISSUER)
    .setAudience(DEV_TOKEN_AUDIENCE)
    .setSubject(options.subject ?? "developer")
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetime)
    .sign(devPrivateKey());
}
