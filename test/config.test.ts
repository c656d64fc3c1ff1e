import { DEFAULT_INPUT_LIMITS } from "../schema/validators";
import { DEFAULT_LIMITS } from "../src/graphql/limits";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../src/auth/api-keys";
import { ConfigError, loadConfig } from "../src/config/load";
import { DEV_TOKEN_ISSUER } from "../src/auth/dev-token";
import { JWT_ALGORITHMS, type GatewayConfig } from "../src/config/types";

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
        shutdownDelayMs: 3000,
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
        shutdownDelayMs: 3000,
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
        shutdownDelayMs: 0,
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

/** The worked example of README's "Signing in with an identity provider" (Keycloak). */
const KEYCLOAK = {
  issuer: "https://sso.example.com/realms/shop",
  audience: "baidu-order-gateway",
  jwksUrl: "https://sso.example.com/realms/shop/protocol/openid-connect/certs",
  algorithms: ["RS256"],
  claims: { apps: "baidu_apps", roles: ["realm_access", "roles"] },
  roleMap: {
    "order-clerk": ["orders:write"],
    "support-agent": ["ledger:read", "deliveries:operate"],
    auditor: ["ledger:read"],
  },
};

describe("loadConfig, auth", () => {
  const prod = { mode: "production", apps: [APP] };

  it("reads the README's provider example, with the defaults it leaves out", () => {
    expect(loadConfig(file({ ...prod, auth: { jwt: KEYCLOAK } })).auth).toEqual({
      jwt: {
        issuer: "https://sso.example.com/realms/shop",
        audience: ["baidu-order-gateway"],
        jwksUrl: "https://sso.example.com/realms/shop/protocol/openid-connect/certs",
        publicKeys: [],
        algorithms: ["RS256"],
        clockToleranceSeconds: 30,
        jwksCooldownMs: 30_000,
        jwksMaxAgeMs: 600_000,
        jwksTimeoutMs: 5000,
        claims: { apps: ["baidu_apps"], roles: ["realm_access", "roles"] },
        allowAllApps: false,
        roleMap: {
          "order-clerk": ["orders:write"],
          "support-agent": ["ledger:read", "deliveries:operate"],
          auditor: ["ledger:read"],
        },
      },
    });
  });

  it("takes a provider alone as the way in for production, without API keys", () => {
    expect(loadConfig(file({ ...prod, auth: { jwt: KEYCLOAK } })).apiKeys).toEqual([]);
  });

  it("reads a provider from JWT_* variables, over the file's settings", () => {
    const config = loadConfig({
      ...file({ ...prod, auth: { jwt: { ...KEYCLOAK, clockToleranceSeconds: 5 } } }),
      JWT_ISSUER: "https://tenant.eu.auth0.com/",
      JWT_AUDIENCE: "https://gateway.example.com, baidu-order-gateway",
      JWT_JWKS_URL: "https://tenant.eu.auth0.com/.well-known/jwks.json",
      JWT_APPS_CLAIM: "https://gateway.example.com/baidu_apps",
      JWT_ROLES_CLAIM: "permissions",
    });
    expect(config.auth.jwt).toMatchObject({
      issuer: "https://tenant.eu.auth0.com/",
      audience: ["https://gateway.example.com", "baidu-order-gateway"],
      jwksUrl: "https://tenant.eu.auth0.com/.well-known/jwks.json",
      clockToleranceSeconds: 5,
      claims: { apps: ["https://gateway.example.com/baidu_apps"], roles: ["permissions"] },
    });
    expect(
      loadConfig({
        JWT_ISSUER: "https://tenant.eu.auth0.com/",
        JWT_AUDIENCE: "api",
        JWT_JWKS_URL: "http://127.0.0.1:8080/jwks.json",
      }).auth.jwt,
    ).toMatchObject({
      algorithms: [...JWT_ALGORITHMS],
      claims: { apps: ["baidu_apps"], roles: ["roles"] },
      roleMap: null,
    });
  });

  it("turns configured public keys, as JWK or PEM, into public JWKs with their kid", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const rsaJwk = rsa.publicKey.export({ format: "jwk" });
    const jwt = {
      issuer: "https://issuer.example/",
      audience: ["a", "b"],
      publicKeys: [
        { ...rsaJwk, kid: "rsa-1", alg: "RS256" },
        { pem: ec.publicKey.export({ format: "pem", type: "spki" }), kid: "ec-1" },
      ],
    };
    expect(loadConfig(file({ ...prod, auth: { jwt } })).auth.jwt?.publicKeys).toEqual([
      { ...rsaJwk, kid: "rsa-1", alg: "RS256" },
      { ...ec.publicKey.export({ format: "jwk" }), kid: "ec-1" },
    ]);
  });

  it("lists every problem of auth.jwt with its path, and repeats no key", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const privatePem = rsa.privateKey.export({ format: "pem", type: "pkcs8" }) as string;
    const privateJwk = rsa.privateKey.export({ format: "jwk" });
    const problems = problemsOf(
      file({
        ...prod,
        auth: {
          jwt: {
            issuer: "",
            audience: [],
            jwksUrl: "https://user:pw@sso.example.com/certs#keys",
            publicKeys: [
              { pem: privatePem },
              privateJwk,
              { kty: "oct", k: "c2VjcmV0LXNlY3JldA" },
              { kty: "RSA", n: "c2hvcnQ", e: "AQAB" },
              { kty: "EC", crv: "P-256", x: "bm90LWEtcG9pbnQ", y: "bm90LWEtcG9pbnQ" },
              "-----BEGIN PUBLIC KEY-----",
            ],
            algorithms: ["HS256", "none", "RS1"],
            clockToleranceSeconds: 3600,
            claims: { apps: [], roles: "" },
            roleMap: { clerk: ["orders:write", "orders:delete"], none: [] },
          },
        },
      }),
    );
    expect(problems).toEqual([
      "auth.jwt.issuer: must be a non-empty string",
      "auth.jwt.jwksUrl: must not carry user info (user:password@), such as https://login.example.com/.well-known/jwks.json",
      "auth.jwt.publicKeys[0]: is a private key; give the provider's public key only",
      "auth.jwt.publicKeys[1]: holds a private key (d); give the provider's public key only",
      "auth.jwt.publicKeys[2]: is a shared secret (kty oct); only asymmetric public keys are accepted",
      "auth.jwt.publicKeys[3]: is an RSA key shorter than 2048 bits, which RS* and PS* tokens may not use",
      "auth.jwt.publicKeys[4]: is not an RSA, EC or Ed25519 public key that Node can read",
      "auth.jwt.publicKeys[5]: must be an object",
      "auth.jwt: give jwksUrl or publicKeys, not both",
      "auth.jwt.audience: must be a string or a non-empty list",
      'auth.jwt.algorithms[0]: HMAC and "none" are never accepted; use an asymmetric algorithm (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519)',
      'auth.jwt.algorithms[1]: HMAC and "none" are never accepted; use an asymmetric algorithm (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519)',
      "auth.jwt.algorithms[2]: must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519",
      "auth.jwt.clockToleranceSeconds: must be a whole number from 0 to 300",
      "auth.jwt.claims.apps: must be a claim name, or a non-empty list of names (a nested claim)",
      "auth.jwt.claims.roles: must be a non-empty string",
      "auth.jwt.roleMap.clerk[1]: must be one of orders:write, ledger:read, deliveries:operate",
      "auth.jwt.roleMap.none: must list at least one role (leave it out for every role)",
    ]);
    const secrets = [privatePem.slice(100, 140), String(privateJwk.d).slice(0, 20), "c2VjcmV0"];
    expect(problems.filter((p) => secrets.some((secret) => p.includes(secret)))).toEqual([]);
  });

  it("refuses a provider with no keys, the development issuer, and plain http to a remote JWKS URL in production", () => {
    expect(
      problemsOf(file({ ...prod, auth: { jwt: { issuer: DEV_TOKEN_ISSUER, audience: "a" } } })),
    ).toEqual([
      "auth.jwt.issuer: is the development tokens' issuer; name your provider's",
      "auth.jwt: give jwksUrl (the provider's JWK Set) or publicKeys",
    ]);
    const jwt = { ...KEYCLOAK, jwksUrl: "http://sso.example.com/certs" };
    expect(problemsOf(file({ ...prod, auth: { jwt } }))).toEqual([
      "auth.jwt.jwksUrl: production mode needs https (plain http is allowed to loopback only)",
    ]);
    const loopback = { ...KEYCLOAK, jwksUrl: "http://127.0.0.1:8080/certs" };
    expect(loadConfig(file({ ...prod, auth: { jwt: loopback } })).auth.jwt?.jwksUrl).toBe(
      "http://127.0.0.1:8080/certs",
    );
  });

  it("reads each API key's roles, missing meaning every role", () => {
    const config = loadConfig(
      file({
        ...prod,
        apiKeys: [
          { name: "reader", sha256: KEY_HASH, apps: ["*"], roles: ["ledger:read"] },
          { name: "all", sha256: sha256Hex("other"), apps: ["*"] },
        ],
      }),
    );
    expect(config.apiKeys).toEqual([
      { name: "reader", sha256: KEY_HASH, apps: ["*"], roles: ["ledger:read"] },
      { name: "all", sha256: sha256Hex("other"), apps: ["*"] },
    ]);
    expect(
      problemsOf(
        file({
          ...prod,
          apiKeys: [{ name: "x", sha256: KEY_HASH, apps: ["*"], roles: ["admin", 3] }],
        }),
      ),
    ).toEqual([
      "apiKeys[0].roles[0]: must be one of orders:write, ledger:read, deliveries:operate",
      "apiKeys[0].roles[1]: must be one of orders:write, ledger:read, deliveries:operate",
    ]);
  });
});
