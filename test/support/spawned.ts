import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type FormattedExecutionResult } from "graphql";
import { sha256Hex } from "../../src/auth/api-keys";
import { ADMIN_KEY, SHOP } from "./harness";

/** The compiled entry point `npm start` runs (npm test builds it first). */
const MAIN = join(__dirname, "..", "..", "dist", "src", "main.js");

export interface SpawnedGateway {
  readonly child: ChildProcess;
  readonly url: string;
  send<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<FormattedExecutionResult<R>>;
  /**
   * The sum of a metric's samples in `/metrics` whose labels include `labels` (0 if there are
   * none).
   */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** kill -9: no shutdown of any kind. */
  kill(): Promise<void>;
  /** SIGTERM, as an operator stops it. */
  stop(): Promise<void>;
  output(): string;
}

/**
 * Starts the built gateway as a process of its own for SHOP, against `baseUrl`, on the given store.
 */
export async function spawnGateway(
  baseUrl: string,
  store: { databaseUrl?: string; dataDir?: string },
  env: Record<string, string> = {},
): Promise<SpawnedGateway> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      GATEWAY_MODE: "production",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "warn",
      BAIDU_BASE_URL: baseUrl,
      BAIDU_APP_KEY: SHOP.appKey,
      BAIDU_APP_SECRET: SHOP.appSecret,
      BAIDU_PM_APP_KEY: SHOP.pmAppKey,
      GATEWAY_API_KEY_SHA256: sha256Hex(ADMIN_KEY),
      ...(store.databaseUrl
        ? { DATABASE_URL: store.databaseUrl }
        : { GATEWAY_DATA_DIR: store.dataDir ?? "" }),
      ...env,
    },
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /: (http:\/\/127\.0\.0\.1:\d+\/graphql) \(production mode\)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", check);
    void exited.then(() => reject(new Error(`The gateway exited before it listened:\n${output}`)));
  });
  return {
    child,
    url,
    async send(document, variables) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return (await response.json()) as never;
    },
    async metric(name, labels = {}) {
      const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
      return sumSamples(text, name, labels);
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
    output: () => output,
  };
}

/** Adds up the samples of `name` in Prometheus text whose labels include every one of `labels`. */
export function sumSamples(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map(
      [...(match[2] ?? "").matchAll(/([a-z_][a-z0-9_]*)="((?:[^"\\]|\\.)*)"/gi)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value))
      sum += Number(match[3]);
  }
  return sum;
}
