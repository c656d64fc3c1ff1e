import type { BudgetOptions } from "../baidu/budget";
import type { BaiduApp } from "../baidu/client";
import type { WireOptions } from "../baidu/wire";
import type { DeliveryOptions } from "../delivery/options";
import type { InputLimits } from "../../schema/validators";
import type { OperationLimits } from "../graphql/limits";
import type { LogLevel } from "../ops/log";
import type { StoreConfig } from "../store/open";

export interface AppConfig extends BaiduApp {
  /** A label for logs and the `apps` query. */
  name: string;
}

export interface ApiKeyConfig {
  name: string;
  /** Hex SHA-256 of the key; the key itself is never stored. */
  sha256: string;
  /** App keys this caller may write to; `["*"]` for all. */
  apps: string[];
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
}

export interface AuthConfig {
  /** Bearer JWTs from an identity provider; null: API keys only. */
  jwt: JwtConfig | null;
}

export interface JwtConfig {
  issuer: string;
  audience: string;
}
