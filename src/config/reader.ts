import { readFileSync } from "node:fs";
import { ALL_ROLES, type Role } from "../auth/roles";
import type { ApiKeyConfig, AppConfig } from "./types";
import { isJsonObject, type JsonObject } from "../lib/json-object";

/** A configuration object as read from JSON, before checking. */
export type Raw = JsonObject;

/**
 * The JSON file named by GATEWAY_CONFIG, or an empty object (and a problem) when it cannot be used.
 */
export function readFile(path: string | undefined, problems: string[]): Raw {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    problems.push(
      `GATEWAY_CONFIG (${path}): cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`,
    );
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push(`GATEWAY_CONFIG (${path}): is not valid JSON (${jsonErrorWithoutText(error)})`);
    return {};
  }
  if (isJsonObject(parsed)) return parsed;
  problems.push(`GATEWAY_CONFIG (${path}): must hold a JSON object`);
  return {};
}

/**
 * Node 20's JSON.parse quotes the text around some errors (`Unexpected token 'x', ..."Secret":
 * x"... is not valid JSON`), which may be a secret: keep only messages that quote nothing.
 */
function jsonErrorWithoutText(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  return message === "" || message.includes('"') ? "unexpected character" : message;
}

/**
 * Field readers that record a problem and return a placeholder, so every problem is found in one
 * pass.
 */
export class Reader {
  constructor(private readonly problems: string[]) {}

  /** Records a problem found outside the field readers (a rule across fields). */
  report(problem: string): void {
    this.problems.push(problem);
  }

  text(value: unknown, path: string): string {
    if (typeof value === "string" && value.trim() !== "") return value;
    this.problems.push(`${path}: must be a non-empty string`);
    return "";
  }

  bool(value: unknown, path: string): boolean {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    this.problems.push(`${path}: must be true or false`);
    return false;
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

  /** An origin: http or https, a host, perhaps a port; no user info, path, query or fragment. */
  url(value: unknown, path: string): string {
    const text = this.text(value, path);
    if (!text) return text;
    const url = URL.parse(text);
    const problem = !url
      ? "is not a URL"
      : url.protocol !== "http:" && url.protocol !== "https:"
        ? "must use http or https"
        : url.username || url.password || text.includes("@")
          ? "must not carry user info (user:password@)"
          : (url.pathname !== "/" && url.pathname !== "") ||
              url.search ||
              url.hash ||
              /[?#]/.test(text)
            ? "must be an origin only, with no path, query or fragment"
            : undefined;
    if (problem) {
      this.problems.push(`${path}: ${problem}, such as https://openapi.baidu.com`);
      return text;
    }
    return url!.origin;
  }

  /**
   * A URL to fetch from (a JWKS URL): http or https, with a path and query if need be; no user
   * info or fragment.
   */
  fetchUrl(value: unknown, path: string): string {
    const text = this.text(value, path);
    if (!text) return text;
    const url = URL.parse(text);
    const problem = !url
      ? "is not a URL"
      : url.protocol !== "http:" && url.protocol !== "https:"
        ? "must use http or https"
        : url.username || url.password
          ? "must not carry user info (user:password@)"
          : url.hash
            ? "must not have a fragment (#…)"
            : undefined;
    if (!problem) return url!.href;
    this.problems.push(
      `${path}: ${problem}, such as https://login.example.com/.well-known/jwks.json`,
    );
    return text;
  }

  /** One string, or a list of them (at least one); each non-empty. */
  texts(value: unknown, path: string): string[] {
    if (typeof value === "string") return [this.text(value, path)];
    const list = this.list(value, path);
    if (list.length === 0) this.problems.push(`${path}: must be a string or a non-empty list`);
    return list.map((item, i) => this.text(item, `${path}[${i}]`));
  }

  /** Roles, each one the gateway knows (listed in the problem). */
  roles(value: unknown, path: string): Role[] {
    const list = typeof value === "string" ? [value] : this.list(value, path);
    if (list.length === 0)
      this.problems.push(`${path}: must list at least one role (leave it out for every role)`);
    return list.map((role, i) => this.oneOf(role, `${path}[${i}]`, ALL_ROLES));
  }

  list(value: unknown, path: string): unknown[] {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    this.problems.push(`${path}: must be a list`);
    return [];
  }

  /** An entry of a list that must be an object; undefined (and the problem recorded) otherwise. */
  entry(value: unknown, path: string): Raw | undefined {
    if (isJsonObject(value)) return value;
    this.problems.push(`${path}: must be an object`);
    return undefined;
  }

  app(value: unknown, path: string, env: NodeJS.ProcessEnv): AppConfig {
    const raw = this.entry(value, path);
    if (!raw) return { name: "", appKey: "", appSecret: "", pmAppKey: "" };
    const secretEnv = typeof raw.appSecretEnv === "string" ? raw.appSecretEnv : undefined;
    const secret = secretEnv ? env[secretEnv] : raw.appSecret;
    if (secretEnv && !secret)
      this.problems.push(`${path}.appSecretEnv: environment variable ${secretEnv} is not set`);
    const appKey = this.text(raw.appKey, `${path}.appKey`);
    return {
      name: typeof raw.name === "string" ? raw.name : appKey,
      appKey,
      appSecret: secretEnv && !secret ? "" : this.text(secret, `${path}.appSecret`),
      pmAppKey: this.text(raw.pmAppKey, `${path}.pmAppKey`),
    };
  }

  /**
   * Only the hash of an API key is configured; a wrong value is not repeated (it may be the key
   * itself).
   */
  sha256(value: unknown, path: string): string {
    const sha256 = this.text(value, path).toLowerCase();
    if (sha256 && !/^[0-9a-f]{64}$/.test(sha256))
      this.problems.push(`${path}: must be 64 hexadecimal characters (the SHA-256 of the key)`);
    return sha256;
  }

  apiKey(value: unknown, path: string): ApiKeyConfig {
    const raw = this.entry(value, path);
    if (!raw) return { name: "", sha256: "", apps: [] };
    const sha256 = this.sha256(raw.sha256, `${path}.sha256`);
    const apps = this.list(raw.apps, `${path}.apps`);
    if (apps.length === 0)
      this.problems.push(`${path}.apps: must list at least one appKey, or "*"`);
    return {
      name: this.text(raw.name, `${path}.name`),
      sha256,
      apps: apps.map((a, i) => this.text(a, `${path}.apps[${i}]`)),
      ...(raw.roles === undefined ? {} : { roles: this.roles(raw.roles, `${path}.roles`) }),
    };
  }
}
