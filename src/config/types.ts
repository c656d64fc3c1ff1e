import type { BudgetOptions } from "../baidu/budget";
import type { BaiduApp } from "../baidu/client";
import type { WireOptions } from "../baidu/wire";
import type { DeliveryOptions } from "../delivery/options";
import type { InputLimits } from "../../schema/validators";
import type { OperationLimits } from "../graphql/limits";
import type { LogLevel } from "../ops/log";
import type { StoreConfig } from "../store/open";
import type { JsonWebKey } from "node:crypto";
import type { Role } from "../auth/roles";

export interface AppConfig extends BaiduApp {
  /** A label for logs and the `apps` query. */
  name: string;
}

export interface ApiKeyConfig {
  name: string;
  /** Hex SHA-256 of the key; the key itself is never stored. */
  sha256: string;
  /** App keys this caller may act for; `["*"]` for all. */
  apps: string[];
  /** What it may do there; missing: every role (what an API key could do before roles). */
  roles?: Role[];
}

export interface GatewayConfig {
  mode: "development" | "production";
  host: string;
  port: number;
  logLevel: LogLevel;
  /** No Baidu app configured: run against the in-process emulator. */
  emulator: boolean;
  baidu: {
    baseUrl: string;
    timeoutMs: number;
    connections: number;
    budget: BudgetOptions;
    /** Shapes of the fields Baidu's sources disagree on. */
    wire: WireOptions;
  };
  store: StoreConfig;
  delivery: DeliveryOptions;
  /** What one GraphQL request may ask for. */
  limits: OperationLimits;
  /** How large a batch may be (Baidu documents no maximum). */
  inputLimits: InputLimits;
  /** How long a client may take, and how many may be connected. */
  http: HttpLimits;
  apps: AppConfig[];
  apiKeys: ApiKeyConfig[];
  /** Callers who sign in with the merchant's identity provider. */
  auth: AuthConfig;
}

export interface HttpLimits {
  /** A request's headers must have arrived within this long of its connection. */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must have arrived within this long. */
  requestTimeoutMs: number;
  /** Connections open at once; more are closed at once. */
  maxConnections: number;
  /** Origins whose browser pages may call the gateway (CORS); none by default. */
  corsOrigins: string[];
  /**
   * On SIGTERM, how long /readyz says "stopping" while requests are still served, before the
   * listener closes: time for a load balancer to stop sending (0: close at once).
   */
  shutdownDelayMs: number;
}

export interface AuthConfig {
  /** Bearer JWTs from an identity provider; null: API keys only. */
  jwt: JwtConfig | null;
}

/**
 * A claim by its path: `["roles"]` is the top-level `roles`, `["realm_access", "roles"]` a nested
 * one.
 */
export type ClaimPath = string[];

/** Bearer JWTs from one identity provider (README, "Signing in with an identity provider"). */
export interface JwtConfig {
  /** The `iss` every token must carry, exactly. */
  issuer: string;
  /** A token's `aud` must name at least one of these. */
  audience: string[];
  /** Where the provider publishes its keys (a JWK Set); null: `publicKeys` only. */
  jwksUrl: string | null;
  /** Keys given in the configuration instead of a JWKS URL, as public JWKs. */
  publicKeys: JsonWebKey[];
  /** Signature algorithms accepted: asymmetric ones only, never HMAC or `none`. */
  algorithms: JwtAlgorithm[];
  /** How far `exp` and `nbf` may be off the gateway's clock, in seconds. */
  clockToleranceSeconds: number;
  /** A token naming a key (`kid`) the cached set lacks fetches the set again at most this often. */
  jwksCooldownMs: number;
  /** The cached set is fetched again when it is this old (kept if that fails). */
  jwksMaxAgeMs: number;
  /** One fetch of the set may take this long. */
  jwksTimeoutMs: number;
  /** The claims that hold the caller's Baidu apps (app keys) and its roles. */
  claims: { apps: ClaimPath; roles: ClaimPath };
  /**
   * `*` in the apps claim grants every app (and every app added later); off by default, since
   * users can often edit the attributes a provider copies into tokens.
   */
  allowAllApps: boolean;
  /**
   * The provider's values of the roles claim, each to the gateway roles it grants; null: the
   * claim holds the gateway's role names (`orders:write`, `ledger:read`, `deliveries:operate`).
   */
  roleMap: Record<string, Role[]> | null;
}

/** The asymmetric JWS algorithms a token may be signed with. */
export const JWT_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
