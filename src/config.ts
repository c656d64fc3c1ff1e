import { readFileSync } from "node:fs";
import type { BaiduApp } from "./baidu/client";
import { BAIDU_BASE_URL } from "./baidu/endpoints";
import type { RetryOptions } from "./baidu/retry";
import type { LogLevel } from "./log";

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
    retry: RetryOptions;
    connections: number;
  };
  apps: AppConfig[];
  apiKeys: ApiKeyConfig[];
}

/** Every problem found in the configuration, reported at once. */
export class ConfigError extends Error {
  readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`The configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

type Raw = Record<string, unknown>;

/** Reads the optional JSON file named by GATEWAY_CONFIG, then environment variables over it; an empty variable counts as unset. */
export function loadConfig(environment: NodeJS.ProcessEnv): GatewayConfig {
  const env = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ""));
  const problems: string[] = [];
  const file = readFile(env.GATEWAY_CONFIG, problems);
  const reader = new Reader(problems);
  const baidu = (file.baidu ?? {}) as Raw;
  const retry = (baidu.retry ?? {}) as Raw;
  const apps = [...reader.list(file.apps, "apps").map((raw, i) => reader.app(raw, `apps[${i}]`, env)), ...envApp(env, reader)];
  const apiKeys = [...reader.list(file.apiKeys, "apiKeys").map((raw, i) => reader.apiKey(raw, `apiKeys[${i}]`)), ...envApiKey(env, reader)];
  const mode = reader.oneOf(env.GATEWAY_MODE ?? file.mode ?? (env.NODE_ENV === "production" ? "production" : "development"), "mode", ["development", "production"] as const);
  const config: GatewayConfig = {
    mode,
    host: reader.text(env.HOST ?? file.host ?? "127.0.0.1", "host"),
    port: reader.int(env.PORT ?? file.port ?? 4000, "port", 0, 65535),
    logLevel: reader.oneOf(env.LOG_LEVEL ?? file.logLevel ?? "info", "logLevel", ["debug", "info", "warn", "error"] as const),
    emulator: apps.length === 0,
    baidu: {
      baseUrl: reader.url(env.BAIDU_BASE_URL ?? baidu.baseUrl ?? BAIDU_BASE_URL, "baidu.baseUrl"),
      timeoutMs: reader.int(env.BAIDU_TIMEOUT_MS ?? baidu.timeoutMs ?? 3000, "baidu.timeoutMs", 1, 120_000),
      retry: {
        maxAttempts: reader.int(env.BAIDU_MAX_ATTEMPTS ?? retry.maxAttempts ?? 4, "baidu.retry.maxAttempts", 1, 10),
        baseDelayMs: reader.int(retry.baseDelayMs ?? 100, "baidu.retry.baseDelayMs", 0, 60_000),
        maxDelayMs: reader.int(retry.maxDelayMs ?? 2000, "baidu.retry.maxDelayMs", 0, 600_000),
      },
      connections: reader.int(baidu.connections ?? 128, "baidu.connections", 1, 4096),
    },
    apps,
    apiKeys,
  };
  checkReferences(config, problems);
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => withoutSecrets(problem, apps)));
  return config;
}

/** A value pasted into the wrong field may be echoed in a problem (an appKey reference): never let a secret through. */
function withoutSecrets(problem: string, apps: readonly AppConfig[]): string {
  return apps.reduce((text, app) => (app.appSecret.length >= MIN_SCRUBBED_LENGTH ? text.replaceAll(app.appSecret, "[REDACTED]") : text), problem);
}

/** Scrubbing a one- or two-character "secret" would garble every message; such a secret is a mistake anyway. */
const MIN_SCRUBBED_LENGTH = 3;

function readFile(path: string | undefined, problems: string[]): Raw {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    problems.push(`GATEWAY_CONFIG (${path}): cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push(`GATEWAY_CONFIG (${path}): is not valid JSON (${jsonErrorWithoutText(error)})`);
    return {};
  }
  if (isObject(parsed)) return parsed;
  problems.push(`GATEWAY_CONFIG (${path}): must hold a JSON object`);
  return {};
}

/**
 * Node 20's JSON.parse quotes the text around some errors (`Unexpected token 'x', ..."Secret": x"...
 * is not valid JSON`), which may be a secret: keep only messages that quote nothing.
 */
function jsonErrorWithoutText(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  return message === "" || message.includes('"') ? "unexpected character" : message;
}

function isObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function envApp(env: NodeJS.ProcessEnv, reader: Reader): AppConfig[] {
  if (!env.BAIDU_APP_KEY && !env.BAIDU_APP_SECRET && !env.BAIDU_PM_APP_KEY) return [];
  return [reader.app({ name: "env", appKey: env.BAIDU_APP_KEY, appSecret: env.BAIDU_APP_SECRET, pmAppKey: env.BAIDU_PM_APP_KEY }, "BAIDU_APP_KEY/BAIDU_APP_SECRET/BAIDU_PM_APP_KEY", env)];
}

function envApiKey(env: NodeJS.ProcessEnv, reader: Reader): ApiKeyConfig[] {
  return env.GATEWAY_API_KEY_SHA256 ? [{ name: "env", sha256: reader.sha256(env.GATEWAY_API_KEY_SHA256, "GATEWAY_API_KEY_SHA256"), apps: ["*"] }] : [];
}

function checkReferences(config: GatewayConfig, problems: string[]): void {
  const known = new Set(config.apps.map((app) => app.appKey));
  if (known.size !== config.apps.length) problems.push("apps: two apps share one appKey");
  const hashes = config.apiKeys.map((key) => key.sha256).filter(Boolean);
  if (new Set(hashes).size !== hashes.length) problems.push("apiKeys: two API keys share one sha256");
  config.apiKeys.forEach((key, i) =>
    key.apps.forEach((appKey, j) => {
      if (appKey !== "*" && !config.emulator && !known.has(appKey)) problems.push(`apiKeys[${i}].apps[${j}]: no app is configured with appKey "${appKey}"`);
    }),
  );
  // The token request carries the app secret in its query string: never over plain HTTP to a remote host.
  if (config.mode === "production" && /^http:\/\/(?!127\.0\.0\.1[:/]|localhost[:/]|\[::1\])/.test(`${config.baidu.baseUrl}/`)) {
    problems.push("baidu.baseUrl: production mode needs https (plain http is allowed to loopback only)");
  }
  if (config.mode === "production" && config.emulator) problems.push("apps: production mode needs at least one Baidu app (the emulator is for development)");
  if (config.mode === "production" && config.apiKeys.length === 0) problems.push("apiKeys: production mode needs at least one API key");
}

/** Field readers that record a problem and return a placeholder, so every problem is found in one pass. */
class Reader {
  constructor(private readonly problems: string[]) {}

  text(value: unknown, path: string): string {
    if (typeof value === "string" && value.trim() !== "") return value;
    this.problems.push(`${path}: must be a non-empty string`);
    return "";
  }

  int(value: unknown, path: string, min: number, max: number): number {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n === "number" && Number.isInteger(n) && n >= min && n <= max) return n;
    this.problems.push(`${path}: must be a whole number from ${min} to ${max}`);
    return min;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (allowed.includes(value as T)) return value as T;
    this.problems.push(`${path}: must be one of ${allowed.join(", ")}`);
    return allowed[0] as T;
  }

  url(value: unknown, path: string): string {
    const text = this.text(value, path);
    if (text && !/^https?:\/\/[^/\s]+$/.test(text.replace(/\/$/, ""))) this.problems.push(`${path}: must be an http(s) origin such as https://openapi.baidu.com`);
    return text.replace(/\/$/, "");
  }

  list(value: unknown, path: string): unknown[] {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    this.problems.push(`${path}: must be a list`);
    return [];
  }

  /** An entry of a list that must be an object; undefined (and the problem recorded) otherwise. */
  entry(value: unknown, path: string): Raw | undefined {
    if (isObject(value)) return value;
    this.problems.push(`${path}: must be an object`);
    return undefined;
  }

  app(value: unknown, path: string, env: NodeJS.ProcessEnv): AppConfig {
    const raw = this.entry(value, path);
    if (!raw) return { name: "", appKey: "", appSecret: "", pmAppKey: "" };
    const secretEnv = typeof raw.appSecretEnv === "string" ? raw.appSecretEnv : undefined;
    const secret = secretEnv ? env[secretEnv] : raw.appSecret;
    if (secretEnv && !secret) this.problems.push(`${path}.appSecretEnv: environment variable ${secretEnv} is not set`);
    const appKey = this.text(raw.appKey, `${path}.appKey`);
    return {
      name: typeof raw.name === "string" ? raw.name : appKey,
      appKey,
      appSecret: secretEnv && !secret ? "" : this.text(secret, `${path}.appSecret`),
      pmAppKey: this.text(raw.pmAppKey, `${path}.pmAppKey`),
    };
  }

  /** Only the hash of an API key is configured; a wrong value is not repeated (it may be the key itself). */
  sha256(value: unknown, path: string): string {
    const sha256 = this.text(value, path).toLowerCase();
    if (sha256 && !/^[0-9a-f]{64}$/.test(sha256)) this.problems.push(`${path}: must be 64 hexadecimal characters (the SHA-256 of the key)`);
    return sha256;
  }

  apiKey(value: unknown, path: string): ApiKeyConfig {
    const raw = this.entry(value, path);
    if (!raw) return { name: "", sha256: "", apps: [] };
    const sha256 = this.sha256(raw.sha256, `${path}.sha256`);
    const apps = this.list(raw.apps, `${path}.apps`);
    if (apps.length === 0) this.problems.push(`${path}.apps: must list at least one appKey, or "*"`);
    return { name: this.text(raw.name, `${path}.name`), sha256, apps: apps.map((a, i) => this.text(a, `${path}.apps[${i}]`)) };
  }
}
