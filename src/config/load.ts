import { resolve } from "node:path";
import { BAIDU_BASE_URL } from "../baidu/endpoints";
import { readJwt } from "./jwt";
import { readFile, Reader, type Raw } from "./reader";
import { DEFAULT_INPUT_LIMITS } from "../../schema/validators";
import { DEFAULT_LIMITS, type OperationLimits } from "../graphql/limits";
import type { ApiKeyConfig, AppConfig, GatewayConfig } from "./types";

const DAY_MS = 86_400_000;

/**
 * The embedded store's default home: `data/ledger` in the directory the gateway starts in (the
 * project, for npm start).
 */
const DEFAULT_DATA_DIR = "data/ledger";

const dataDir = (path: string): string => (path.startsWith("memory://") ? path : resolve(path));

/** Every problem found in the configuration, reported at once. */
export class ConfigError extends Error {
  readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(
      `The configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/**
 * Reads the optional JSON file named by GATEWAY_CONFIG, then environment variables over it; an
 * empty variable counts as unset.
 */
export function loadConfig(environment: NodeJS.ProcessEnv): GatewayConfig {
  const env = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ""),
  );
  const problems: string[] = [];
  const file = readFile(env.GATEWAY_CONFIG, problems);
  const reader = new Reader(problems);
  const baidu = (file.baidu ?? {}) as Raw;
  const retry = (baidu.retry ?? {}) as Raw;
  const budget = (baidu.budget ?? {}) as Raw;
  const logistics = (baidu.logistics ?? {}) as Raw;
  const detailPage = (baidu.detailPage ?? {}) as Raw;
  const callsPerSecond = env.BAIDU_CALLS_PER_SECOND ?? budget.callsPerSecond;
  const store = (file.store ?? {}) as Raw;
  const delivery = (file.delivery ?? {}) as Raw;
  const limits = (file.limits ?? {}) as Raw;
  const http = (file.http ?? {}) as Raw;
  const auth = (file.auth ?? {}) as Raw;
  const jwtFile = auth.jwt == null ? undefined : (reader.entry(auth.jwt, "auth.jwt") ?? {});
  const jwtEnv = definedOnly({
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE?.split(",").map((audience) => audience.trim()),
    jwksUrl: env.JWT_JWKS_URL,
  });
  const claimsEnv = definedOnly({ apps: env.JWT_APPS_CLAIM, roles: env.JWT_ROLES_CLAIM });
  const limit = (key: keyof OperationLimits, max: number) =>
    reader.int(limits[key] ?? DEFAULT_LIMITS[key], `limits.${key}`, 1, max);
  const timeoutMs = reader.int(
    env.BAIDU_TIMEOUT_MS ?? baidu.timeoutMs ?? 3000,
    "baidu.timeoutMs",
    1,
    120_000,
  );
  const apps = [
    ...reader.list(file.apps, "apps").map((raw, i) => reader.app(raw, `apps[${i}]`, env)),
    ...envApp(env, reader),
  ];
  const apiKeys = [
    ...reader.list(file.apiKeys, "apiKeys").map((raw, i) => reader.apiKey(raw, `apiKeys[${i}]`)),
    ...envApiKey(env, reader),
  ];
  const mode = reader.oneOf(
    env.GATEWAY_MODE ?? file.mode ?? (env.NODE_ENV === "production" ? "production" : "development"),
    "mode",
    ["development", "production"] as const,
  );
  const config: GatewayConfig = {
    mode,
    host: reader.text(env.HOST ?? file.host ?? "127.0.0.1", "host"),
    port: reader.int(env.PORT ?? file.port ?? 4000, "port", 0, 65535),
    logLevel: reader.oneOf(env.LOG_LEVEL ?? file.logLevel ?? "info", "logLevel", [
      "debug",
      "info",
      "warn",
      "error",
    ] as const),
    emulator: apps.length === 0,
    baidu: {
      baseUrl: reader.url(env.BAIDU_BASE_URL ?? baidu.baseUrl ?? BAIDU_BASE_URL, "baidu.baseUrl"),
      timeoutMs,
      connections: reader.int(baidu.connections ?? 128, "baidu.connections", 1, 4096),
      budget: {
        callsPerSecond:
          callsPerSecond === undefined
            ? null
            : reader.int(callsPerSecond, "baidu.budget.callsPerSecond", 1, 100_000),
        recoverMs: reader.int(budget.recoverMs ?? 10_000, "baidu.budget.recoverMs", 100, 3_600_000),
        pauseMs: reader.int(budget.pauseMs ?? 1000, "baidu.budget.pauseMs", 0, 30_000),
      },
      wire: {
        expressShape: reader.oneOf(
          env.BAIDU_EXPRESS_SHAPE ?? logistics.expressShape ?? "object",
          "baidu.logistics.expressShape",
          ["object", "array"] as const,
        ),
        detailPageStatus: reader.oneOf(
          detailPage.statusType ?? "integer",
          "baidu.detailPage.statusType",
          ["integer", "string"] as const,
        ),
      },
    },
    store: {
      databaseUrl:
        env.DATABASE_URL ??
        (store.databaseUrl === undefined
          ? undefined
          : reader.text(store.databaseUrl, "store.databaseUrl")),
      dataDir: dataDir(
        reader.text(env.GATEWAY_DATA_DIR ?? store.dataDir ?? DEFAULT_DATA_DIR, "store.dataDir"),
      ),
    },
    delivery: {
      waitMs: reader.int(
        env.DELIVERY_WAIT_MS ?? delivery.waitMs ?? 5000,
        "delivery.waitMs",
        0,
        60_000,
      ),
      deadlineMs: reader.int(
        delivery.deadlineMs ?? DAY_MS,
        "delivery.deadlineMs",
        1000,
        30 * DAY_MS,
      ),
      // An attempt is at most four requests, each bounded by the timeout: a token, the write, and
      // after a rejected token another token and the replay.
      leaseMs: reader.int(
        env.DELIVERY_LEASE_MS ?? delivery.leaseMs ?? 4 * timeoutMs + 10_000,
        "delivery.leaseMs",
        4 * timeoutMs + 100,
        DAY_MS,
      ),
      concurrency: reader.int(delivery.concurrency ?? 64, "delivery.concurrency", 1, 1024),
      pollMs: reader.int(
        env.DELIVERY_POLL_MS ?? delivery.pollMs ?? 1000,
        "delivery.pollMs",
        10,
        60_000,
      ),
      retentionMs:
        DAY_MS *
        reader.int(
          env.DELIVERY_RETENTION_DAYS ?? delivery.retentionDays ?? 30,
          "delivery.retentionDays",
          1,
          3650,
        ),
      retry: {
        baseDelayMs: reader.int(retry.baseDelayMs ?? 100, "baidu.retry.baseDelayMs", 0, 60_000),
        maxDelayMs: reader.int(retry.maxDelayMs ?? 60_000, "baidu.retry.maxDelayMs", 0, 3_600_000),
      },
    },
    limits: {
      maxTokens: limit("maxTokens", 100_000),
      maxDepth: limit("maxDepth", 100),
      maxAliases: limit("maxAliases", 10_000),
      maxDirectives: limit("maxDirectives", 10_000),
      maxCost: limit("maxCost", 1_000_000),
      maxWrites: limit("maxWrites", 100),
      documentCacheEntries: limit("documentCacheEntries", 1_000_000),
      documentCacheBytes: limit("documentCacheBytes", 4 * 1024 ** 3),
    },
    inputLimits: {
      maxOrdersPerCall: reader.int(
        limits.maxOrdersPerCall ?? DEFAULT_INPUT_LIMITS.maxOrdersPerCall,
        "limits.maxOrdersPerCall",
        1,
        10_000,
      ),
      maxAfterSaleItemsPerCall: reader.int(
        limits.maxAfterSaleItemsPerCall ?? DEFAULT_INPUT_LIMITS.maxAfterSaleItemsPerCall,
        "limits.maxAfterSaleItemsPerCall",
        1,
        10_000,
      ),
    },
    http: {
      headersTimeoutMs: reader.int(
        http.headersTimeoutMs ?? 10_000,
        "http.headersTimeoutMs",
        100,
        600_000,
      ),
      requestTimeoutMs: reader.int(
        http.requestTimeoutMs ?? 30_000,
        "http.requestTimeoutMs",
        100,
        3_600_000,
      ),
      maxConnections: reader.int(http.maxConnections ?? 1024, "http.maxConnections", 1, 1_000_000),
      corsOrigins: (
        env.CORS_ORIGINS?.split(",").map((origin) => origin.trim()) ??
        reader.list(http.corsOrigins, "http.corsOrigins")
      ).map((origin, i) => reader.url(origin, `http.corsOrigins[${i}]`)),
      shutdownDelayMs: reader.int(
        env.SHUTDOWN_DELAY_MS ?? http.shutdownDelayMs ?? 0,
        "http.shutdownDelayMs",
        0,
        120_000,
      ),
    },
    apps,
    apiKeys,
    auth: {
      jwt:
        jwtFile || Object.keys(jwtEnv).length > 0 || Object.keys(claimsEnv).length > 0
          ? readJwt(
              {
                ...jwtFile,
                ...jwtEnv,
                claims: { ...((jwtFile?.claims ?? {}) as Raw), ...claimsEnv },
              },
              reader,
              "auth.jwt",
            )
          : null,
    },
  };
  // A waiting mutation must be able to answer before its request times out.
  if (config.http.requestTimeoutMs <= config.delivery.waitMs)
    problems.push("http.requestTimeoutMs: must be longer than delivery.waitMs");
  // A delivery and its idempotency key must outlive the writes that may still carry them.
  if (config.delivery.retentionMs <= config.delivery.deadlineMs)
    problems.push("delivery.retentionDays: must be longer than delivery.deadlineMs");
  // Removed in 0.2: an attempt budget per call gave way to a delivery deadline.
  if (retry.maxAttempts !== undefined || env.BAIDU_MAX_ATTEMPTS !== undefined)
    problems.push(
      "baidu.retry.maxAttempts (BAIDU_MAX_ATTEMPTS): no longer read; deliveries are retried until delivery.deadlineMs",
    );
  checkReferences(config, problems);
  if (problems.length > 0)
    throw new ConfigError(problems.map((problem) => withoutSecrets(problem, apps)));
  return config;
}

/**
 * A value pasted into the wrong field may be echoed in a problem (an appKey reference): never let a
 * secret through.
 */
function withoutSecrets(problem: string, apps: readonly AppConfig[]): string {
  return apps.reduce(
    (text, app) =>
      app.appSecret.length >= MIN_SCRUBBED_LENGTH
        ? text.replaceAll(app.appSecret, "[REDACTED]")
        : text,
    problem,
  );
}

/**
 * Scrubbing a one- or two-character "secret" would garble every message; such a secret is a mistake
 * anyway.
 */
const MIN_SCRUBBED_LENGTH = 3;

/** The fields that are set, so that they override the file's and the others do not. */
function definedOnly(fields: Record<string, unknown>): Raw {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Raw;
}

function envApp(env: NodeJS.ProcessEnv, reader: Reader): AppConfig[] {
  if (!env.BAIDU_APP_KEY && !env.BAIDU_APP_SECRET && !env.BAIDU_PM_APP_KEY) return [];
  return [
    reader.app(
      {
        name: "env",
        appKey: env.BAIDU_APP_KEY,
        appSecret: env.BAIDU_APP_SECRET,
        pmAppKey: env.BAIDU_PM_APP_KEY,
      },
      "BAIDU_APP_KEY/BAIDU_APP_SECRET/BAIDU_PM_APP_KEY",
      env,
    ),
  ];
}

function envApiKey(env: NodeJS.ProcessEnv, reader: Reader): ApiKeyConfig[] {
  return env.GATEWAY_API_KEY_SHA256
    ? [
        {
          name: "env",
          sha256: reader.sha256(env.GATEWAY_API_KEY_SHA256, "GATEWAY_API_KEY_SHA256"),
          apps: ["*"],
        },
      ]
    : [];
}

/** Hosts that are this machine, as the URL parser spells them. */
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function checkReferences(config: GatewayConfig, problems: string[]): void {
  const known = new Set(config.apps.map((app) => app.appKey));
  if (known.size !== config.apps.length) problems.push("apps: two apps share one appKey");
  const hashes = config.apiKeys.map((key) => key.sha256).filter(Boolean);
  if (new Set(hashes).size !== hashes.length)
    problems.push("apiKeys: two API keys share one sha256");
  config.apiKeys.forEach((key, i) =>
    key.apps.forEach((appKey, j) => {
      if (appKey !== "*" && !config.emulator && !known.has(appKey))
        problems.push(`apiKeys[${i}].apps[${j}]: no app is configured with appKey "${appKey}"`);
    }),
  );
  // The token request carries the app secret in its query string: never over plain HTTP to a remote
  // host.
  const base = URL.parse(config.baidu.baseUrl);
  if (config.mode === "production" && base?.protocol === "http:" && !LOOPBACK.has(base.hostname)) {
    problems.push(
      "baidu.baseUrl: production mode needs https (plain http is allowed to loopback only)",
    );
  }
  if (config.mode === "production" && config.emulator)
    problems.push(
      "apps: production mode needs at least one Baidu app (the emulator is for development)",
    );
  if (config.mode === "production" && config.apiKeys.length === 0 && !config.auth.jwt)
    problems.push("apiKeys: production mode needs at least one API key");
  // The keys that decide who may write are fetched from there: not over plain HTTP in production.
  const jwks = URL.parse(config.auth.jwt?.jwksUrl ?? "");
  if (config.mode === "production" && jwks?.protocol === "http:" && !LOOPBACK.has(jwks.hostname))
    problems.push(
      "auth.jwt.jwksUrl: production mode needs https (plain http is allowed to loopback only)",
    );
}
