import { DEFAULT_INPUT_LIMITS } from "../schema/validators";
import { DEFAULT_LIMITS } from "../src/graphql/limits";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../src/auth/api-keys";
import { ConfigError, loadConfig } from "../src/config/load";
import type { GatewayConfig } from "../src/config/types";

const SECRET = "Zq8sX3vLw9Tn4Rb7Kd2Mh6Yp";
const KEY_HASH = sha256Hex("some-api-key");
const APP = {
  name: "shop",
  appKey: "a392qXwK8L5GDUWhFoC01cKwoy7tmehg",
  appSecret: SECRET,
  pmAppKey: "shop-pm",
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "gateway-config-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `content` (JSON unless a string) to a temp file and returns the env naming it. */
function file(content: unknown): NodeJS.ProcessEnv {
  const path = join(dir, "gateway.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return { GATEWAY_CONFIG: path };
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).toBe(
      `The configuration has ${error.problems.length} problem(s):\n${error.problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    return error.problems;
  }
  throw new Error("loadConfig accepted the configuration");
}

describe("loadConfig", () => {
  it("reads a valid file into the gateway's configuration", () => {
    const env = file({
      mode: "production",
      port: 8080,
      logLevel: "warn",
      baidu: {
        baseUrl: "https://openapi.baidu.com/",
        timeoutMs: 5000,
        retry: { baseDelayMs: 50, maxDelayMs: 1000 },
        connections: 8,
        budget: { callsPerSecond: 20, recoverMs: 5000, pauseMs: 500 },
        wire: { expressShape: "object", detailPageStatus: "integer" },
      },
      store: { databaseUrl: "postgres://gateway@db.internal/ledger", dataDir: "/var/lib/gateway" },
      delivery: {
        waitMs: 2500,
        deadlineMs: 3_600_000,
        leaseMs: 25_000,
        concurrency: 8,
        pollMs: 500,
        retentionDays: 7,
      },
      limits: { maxWrites: 1, maxDepth: 8, maxOrdersPerCall: 50 },
      http: {
        headersTimeoutMs: 5000,
        requestTimeoutMs: 20_000,
        maxConnections: 64,
        corsOrigins: ["https://admin.example.com/"],
      },
      apps: [APP],
      apiKeys: [{ name: "shop-backend", sha256: KEY_HASH.toUpperCase(), apps: [APP.appKey] }],
      auth: { jwt: null },
    });
    expect(loadConfig(env)).toEqual<GatewayConfig>({
      mode: "production",
      host: "127.0.0.1",
      port: 8080,
      logLevel: "warn",
      emulator: false,
      baidu: {
        baseUrl: "https://openapi.baidu.com",
        timeoutMs: 5000,
        connections: 8,
        budget: { callsPerSecond: 20, recoverMs: 5000, pauseMs: 500 },
        wire: { expressShape: "object", detailPageStatus: "integer" },
      },
      store: { databaseUrl: "postgres://gateway@db.internal/ledger", dataDir: "/var/lib/gateway" },
      delivery: {
        waitMs: 2500,
        deadlineMs: 3_600_000,
        leaseMs: 25_000,
        concurrency: 8,
        pollMs: 500,
        retentionMs: 7 * 86_400_000,
        retry: { baseDelayMs: 50, maxDelayMs: 1000 },
      },
      limits: { ...DEFAULT_LIMITS, maxWrites: 1, maxDepth: 8 },
      inputLimits: { maxOrdersPerCall: 50, maxAfterSaleItemsPerCall: 100 },
      http: {
        headersTimeoutMs: 5000,
        requestTimeoutMs: 20_000,
        maxConnections: 64,
        corsOrigins: ["https://admin.example.com"],
      },
      apps: [APP],
      apiKeys: [{ name: "shop-backend", sha256: KEY_HASH, apps: [APP.appKey] }],
      auth: { jwt: null },
    });
  });

  it("lets environment variables override the file", () => {
    const env = {
      ...file({ mode: "development", port: 8080, apps: [APP], apiKeys: [] }),
      GATEWAY_MODE: "production",
      PORT: "9090",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://127.0.0.1/ledger",
      GATEWAY_DATA_DIR: "/tmp/ledger",
      DELIVERY_WAIT_MS: "1500",
      DELIVERY_LEASE_MS: "15000",
      DELIVERY_POLL_MS: "250",
      DELIVERY_RETENTION_DAYS: "2",
      GATEWAY_API_KEY_SHA256: KEY_HASH,
    };
    expect(loadConfig(env)).toMatchObject({
      mode: "production",
      port: 9090,
      host: "0.0.0.0",
      store: { databaseUrl: "postgres://127.0.0.1/ledger", dataDir: "/tmp/ledger" },
      delivery: { waitMs: 1500, leaseMs: 15_000, pollMs: 250, retentionMs: 2 * 86_400_000 },
      apiKeys: [{ name: "env", sha256: KEY_HASH, apps: ["*"] }],
    });
  });

  it("reads one app from BAIDU_APP_KEY, BAIDU_APP_SECRET and BAIDU_PM_APP_KEY", () => {
    const env = {
      BAIDU_APP_KEY: APP.appKey,
      BAIDU_APP_SECRET: SECRET,
      BAIDU_PM_APP_KEY: "pm",
      GATEWAY_API_KEY_SHA256: KEY_HASH,
      NODE_ENV: "production",
    };
    expect(loadConfig(env)).toMatchObject({
      mode: "production",
      emulator: false,
      apps: [{ name: "env", appKey: APP.appKey, appSecret: SECRET, pmAppKey: "pm" }],
    });
  });

  it("reads an app secret from the environment variable named by appSecretEnv", () => {
    const { appSecret: _inline, ...app } = APP;
    const env = {
      ...file({ apps: [{ ...app, appSecretEnv: "SHOP_SECRET" }] }),
      SHOP_SECRET: SECRET,
    };
    expect(loadConfig(env).apps).toEqual([APP]);
  });

  it("names the unset variable of appSecretEnv", () => {
    const { appSecret: _inline, ...app } = APP;
    expect(problemsOf(file({ apps: [{ ...app, appSecretEnv: "SHOP_SECRET" }] }))).toEqual([
      "apps[0].appSecretEnv: environment variable SHOP_SECRET is not set",
    ]);
  });

  it("runs against the emulator in development when no app is configured", () => {
    expect(loadConfig({})).toEqual<GatewayConfig>({
      mode: "development",
      host: "127.0.0.1",
      port: 4000,
      logLevel: "info",
      emulator: true,
      baidu: {
        baseUrl: "https://openapi.baidu.com",
        timeoutMs: 3000,
        connections: 128,
        budget: { callsPerSecond: null, recoverMs: 10_000, pauseMs: 1000 },
        wire: { expressShape: "object", detailPageStatus: "integer" },
      },
      store: { databaseUrl: undefined, dataDir: join(process.cwd(), "data/ledger") },
      delivery: {
        waitMs: 5000,
        deadlineMs: 86_400_000,
        leaseMs: 22_000,
        concurrency: 64,
        pollMs: 1000,
        retentionMs: 30 * 86_400_000,
        retry: { baseDelayMs: 100, maxDelayMs: 60_000 },
      },
      limits: DEFAULT_LIMITS,
      inputLimits: DEFAULT_INPUT_LIMITS,
      http: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        maxConnections: 1024,
        corsOrigins: [],
      },
      apps: [],
      apiKeys: [],
      auth: { jwt: null },
    });
  });

  it("refuses production mode without an app or an API key", () => {
    expect(problemsOf({ GATEWAY_MODE: "production" })).toEqual([
      "apps: production mode needs at least one Baidu app (the emulator is for development)",
      "apiKeys: production mode needs at least one API key",
    ]);
    expect(problemsOf({ ...file({ apps: [APP] }), NODE_ENV: "production" })).toEqual([
      "apiKeys: production mode needs at least one API key",
    ]);
  });

  it("lists every problem at once, each with its path", () => {
    const env = {
      ...file({
        mode: "staging",
        port: 70000,
        baidu: { baseUrl: "ftp://openapi.baidu.com", retry: { maxAttempts: 0 } },
        delivery: { waitMs: -1, leaseMs: 10 },
        apps: [{ name: "shop", appKey: "", appSecret: SECRET }, APP, APP],
        apiKeys: [
          { name: "ops", sha256: "not-a-hash", apps: [] },
          { name: "shop", sha256: KEY_HASH, apps: ["unknown-app"] },
        ],
      }),
      LOG_LEVEL: "verbose",
    };
    expect(problemsOf(env)).toEqual([
      "apps[0].appKey: must be a non-empty string",
      "apps[0].pmAppKey: must be a non-empty string",
      "apiKeys[0].sha256: must be 64 hexadecimal characters (the SHA-256 of the key)",
      'apiKeys[0].apps: must list at least one appKey, or "*"',
      "mode: must be one of development, production",
      "port: must be a whole number from 0 to 65535",
      "logLevel: must be one of debug, info, warn, error",
      "baidu.baseUrl: must use http or https, such as https://openapi.baidu.com",
      "delivery.waitMs: must be a whole number from 0 to 60000",
      "delivery.leaseMs: must be a whole number from 12100 to 86400000",
      "baidu.retry.maxAttempts (BAIDU_MAX_ATTEMPTS): no longer read; deliveries are retried until delivery.deadlineMs",
      "apps: two apps share one appKey",
      'apiKeys[1].apps[0]: no app is configured with appKey "unknown-app"',
    ]);
  });

  it("refuses two API keys with the same hash, which would make one of them unreachable", () => {
    const key = { name: "a", sha256: KEY_HASH, apps: ["*"] };
    expect(problemsOf(file({ apps: [APP], apiKeys: [key, { ...key, name: "b" }] }))).toEqual([
      "apiKeys: two API keys share one sha256",
    ]);
  });

  it("reports a list entry that is not an object instead of crashing", () => {
    expect(problemsOf(file({ apps: [null, APP], apiKeys: ["some-api-key"] }))).toEqual([
      "apps[0]: must be an object",
      "apiKeys[0]: must be an object",
    ]);
  });

  it("refuses a GATEWAY_API_KEY_SHA256 that is not a SHA-256, without repeating it", () => {
    const problems = problemsOf({ GATEWAY_API_KEY_SHA256: "some-api-key" });
    expect(problems).toEqual([
      "GATEWAY_API_KEY_SHA256: must be 64 hexadecimal characters (the SHA-256 of the key)",
    ]);
  });

  it.each([
    [
      "a file that is not valid JSON",
      `{"apps": [{"appKey": "k", "appSecret": ${SECRET}, "pmAppKey": "p"}]}`,
    ],
    ["a file cut off inside the secret", `{"apps": [{"appKey": "k", "appSecret": "${SECRET}`],
    [
      "a secret given where the appKey belongs",
      { apps: [{ appKey: { value: SECRET }, appSecret: SECRET, pmAppKey: 7 }] },
    ],
    [
      "a secret given as the API key hash",
      { apps: [APP], apiKeys: [{ name: "k", sha256: SECRET, apps: [SECRET] }] },
    ],
  ])("never repeats an app secret in a problem: %s", (_case, content) => {
    const problems = problemsOf({ ...file(content), BAIDU_APP_SECRET: SECRET });
    expect(problems.length).toBeGreaterThan(0);
    // V8 quotes ~10 characters around a JSON syntax error: no six characters of the secret in a
    // row.
    const pieces = Array.from({ length: SECRET.length - 5 }, (_, i) => SECRET.slice(i, i + 6));
    expect(problems.filter((problem) => pieces.some((piece) => problem.includes(piece)))).toEqual(
      [],
    );
  });
});

describe("loadConfig, edge cases", () => {
  const hash = "a".repeat(64);
  const prod = {
    GATEWAY_MODE: "production",
    BAIDU_APP_KEY: "k",
    BAIDU_APP_SECRET: "s3cret-value",
    BAIDU_PM_APP_KEY: "p",
    GATEWAY_API_KEY_SHA256: hash,
  };

  it("treats an empty environment variable as unset", () => {
    expect(loadConfig({ ...prod, PORT: "", LOG_LEVEL: "" })).toMatchObject({
      port: 4000,
      logLevel: "info",
    });
  });

  it("refuses plain http to a remote Baidu in production, but allows loopback", () => {
    expect(() => loadConfig({ ...prod, BAIDU_BASE_URL: "http://openapi.baidu.com" })).toThrow(
      "baidu.baseUrl: production mode needs https (plain http is allowed to loopback only)",
    );
    expect(loadConfig({ ...prod, BAIDU_BASE_URL: "http://127.0.0.1:8790" }).baidu.baseUrl).toBe(
      "http://127.0.0.1:8790",
    );
    expect(loadConfig({ ...prod, BAIDU_BASE_URL: "http://[::1]:8790/" }).baidu.baseUrl).toBe(
      "http://[::1]:8790",
    );
  });

  const https =
    "baidu.baseUrl: production mode needs https (plain http is allowed to loopback only)";
  it.each([
    // Plain http to the host after the @, which is not loopback: both problems.
    ["http://127.0.0.1:1@evil.invalid", "must not carry user info (user:password@)", [https]],
    ["http://localhost:@evil.invalid", "must not carry user info (user:password@)", [https]],
    ["http://[::1]@evil.invalid", "must not carry user info (user:password@)", [https]],
    ["https://user@openapi.baidu.com", "must not carry user info (user:password@)", []],
    [
      "https://openapi.baidu.com/rest",
      "must be an origin only, with no path, query or fragment",
      [],
    ],
    [
      "https://openapi.baidu.com?x=1",
      "must be an origin only, with no path, query or fragment",
      [],
    ],
    ["ftp://openapi.baidu.com", "must use http or https", []],
    ["openapi.baidu.com", "is not a URL", []],
  ])("refuses baidu.baseUrl %s, naming the setting", (url, problem, more) => {
    expect(problemsOf({ ...prod, BAIDU_BASE_URL: url })).toEqual([
      `baidu.baseUrl: ${problem}, such as https://openapi.baidu.com`,
      ...more,
    ]);
  });

  it("refuses plain http to a host that only looks like loopback in production", () => {
    expect(problemsOf({ ...prod, BAIDU_BASE_URL: "http://127.0.0.1.evil.invalid" })).toEqual([
      https,
    ]);
  });
});
