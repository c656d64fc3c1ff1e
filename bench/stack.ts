import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { sha256Hex } from "../src/auth/api-keys";
import { DEV_APP } from "../src/emulator/dev-app";
import { EXAMPLE_REQUEST } from "../src/dev/example";
import { Child, freePort, waitReady } from "./processes";
import { AFTER_SALE_BODY, AFTER_SALE_QUERY } from "./upstream";
import { GATEWAY_NODE_FLAGS } from "../src/lib/runtime";

/** A server the benchmark started as a child process. */
export interface Server {
  child: Child;
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
}

/** This file runs as dist/bench/stack.js; the entry points sit in dist/src. */
const DIST_SRC = join(__dirname, "..", "src");

/**
 * Children get PATH and their settings only, so a GATEWAY_CONFIG or BAIDU_* variable in the
 * caller's shell cannot point the benchmark at another setup (or at Baidu).
 */
function childEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", ...settings };
}

/** The standalone emulator (`npm run emulator`) with the dev app's credentials. */
export async function startEmulator(): Promise<Server> {
  const port = await freePort();
  const env = childEnv({
    EMULATOR_HOST: "127.0.0.1",
    EMULATOR_PORT: String(port),
    EMULATOR_APP_KEY: DEV_APP.appKey,
    EMULATOR_APP_SECRET: DEV_APP.appSecret,
  });
  const child = new Child("emulator", join(DIST_SRC, "emulator", "main.js"), env);
  const origin = `http://127.0.0.1:${port}`;
  await waitReady(`${origin}/__emulator/health`, child);
  return { child, origin };
}

/** Where a gateway child keeps its ledger, and anything else it is started with. */
export interface GatewayStore {
  /** An embedded PGlite data directory of its own (GATEWAY_DATA_DIR); one process per directory. */
  dataDir?: string;
  /** A PostgreSQL database (DATABASE_URL); wins over `dataDir`, as in src/config/load.ts. */
  databaseUrl?: string;
  /**
   * A JSON config file (GATEWAY_CONFIG) for the keys that have no environment variable, e.g.
   * baidu.retry.
   */
  configFile?: string;
  /** A QPS budget per app (BAIDU_CALLS_PER_SECOND); none: no budget, the gateway's default. */
  callsPerSecond?: number;
}

/** How a gateway child runs, beyond its store. */
export interface GatewayOptions {
  /** Extra `node` flags, e.g. --inspect for the profiler or --trace-gc. */
  nodeArgs?: readonly string[];
  /** LOG_LEVEL; none: the gateway's default (info: one line per GraphQL operation). */
  logLevel?: "debug" | "info" | "warn" | "error";
}

/**
 * The gateway (`npm start`) in production mode with one app and one API key, talking to the
 * emulator, its ledger in `store` (never the project's data/ledger, the default).
 */
export async function startGateway(
  name: string,
  emulatorOrigin: string,
  apiKey: string,
  store: GatewayStore,
  options: GatewayOptions = {},
): Promise<Server> {
  if (!store.dataDir && !store.databaseUrl)
    throw new Error(`${name}: give the gateway a store of its own (dataDir or databaseUrl)`);
  const port = await freePort();
  const env = childEnv({
    HOST: "127.0.0.1",
    PORT: String(port),
    GATEWAY_MODE: "production",
    ...(options.logLevel && { LOG_LEVEL: options.logLevel }),
    GATEWAY_API_KEY_SHA256: sha256Hex(apiKey),
    BAIDU_APP_KEY: DEV_APP.appKey,
    BAIDU_APP_SECRET: DEV_APP.appSecret,
    BAIDU_PM_APP_KEY: DEV_APP.pmAppKey,
    BAIDU_BASE_URL: emulatorOrigin,
    ...(store.dataDir && { GATEWAY_DATA_DIR: store.dataDir }),
    ...(store.databaseUrl && { DATABASE_URL: store.databaseUrl }),
    ...(store.configFile && { GATEWAY_CONFIG: store.configFile }),
    ...(store.callsPerSecond !== undefined && {
      BAIDU_CALLS_PER_SECOND: String(store.callsPerSecond),
    }),
  });
  const child = new Child(name, join(DIST_SRC, "main.js"), env, [
    ...GATEWAY_NODE_FLAGS,
    ...(options.nodeArgs ?? []),
  ]);
  const origin = `http://127.0.0.1:${port}`;
  // Opening the store and migrating it comes first; PGlite's first start in a new directory takes a
  // few seconds, and opening a grown ledger longer.
  await waitReady(`${origin}/healthz`, child, 120_000);
  await waitReady(`${origin}/readyz`, child, 120_000);
  return { child, origin };
}

/**
 * The anchor (bench/anchor/server.ts): the hand-written Apollo Server 5 + RESTDataSource server a
 * merchant would run instead, on the same emulator with the same app. Plain `node`, no flags, as
 * its author would start it (`nodeArgs` for the profiler only); NODE_ENV=production, as Apollo's
 * docs ask of a deployed server.
 */
export async function startAnchor(
  emulatorOrigin: string,
  nodeArgs: readonly string[] = [],
): Promise<Server> {
  const port = await freePort();
  const env = childEnv({
    NODE_ENV: "production",
    ANCHOR_PORT: String(port),
    BAIDU_BASE_URL: emulatorOrigin,
    BAIDU_APP_KEY: DEV_APP.appKey,
    BAIDU_APP_SECRET: DEV_APP.appSecret,
    BAIDU_PM_APP_KEY: DEV_APP.pmAppKey,
  });
  const child = new Child("anchor", join(__dirname, "anchor", "server.js"), env, nodeArgs);
  const origin = `http://127.0.0.1:${port}`;
  // Apollo's standalone server has no health route: any operation answers once it listens.
  await waitReady(`${origin}/graphql`, child, 15_000, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ ok }" }),
  });
  return { child, origin };
}

/** The doc example mutation (README, `npm start`): one update/sub/info call per request. */
export const MUTATION = JSON.stringify(EXAMPLE_REQUEST);

/**
 * The doc example mutation for another order: the body of the WAIT rows, byte for byte the same
 * for the gateway (WAIT is its default delivery mode) and the anchor.
 */
export function exampleFor(resourceId: string): string {
  return JSON.stringify({
    query: EXAMPLE_REQUEST.query,
    variables: { input: { ...EXAMPLE_REQUEST.variables.input, resourceId } },
  });
}

/**
 * The same mutation with `dryRun: true`: parsing, auth, validation and mapping, no upstream call.
 */
export const DRY_RUN = JSON.stringify(dryRun(EXAMPLE_REQUEST.query));

/** The cheapest operation the server answers, to price Apollo and HTTP alone. */
export const TYPENAME = JSON.stringify({ query: "{ __typename }" });

function dryRun(query: string) {
  return { query, variables: { input: { ...EXAMPLE_REQUEST.variables.input, dryRun: true } } };
}

/**
 * Asks the gateway for its dry-run preview of the example and fails unless the direct clients
 * send the same query string and body: otherwise `limit` and `direct` would price another call.
 */
export async function checkSameRequest(gateway: Server, apiKey: string): Promise<void> {
  const query = EXAMPLE_REQUEST.query.replace(
    "allApplied",
    "allApplied request { path query { name value } body }",
  );
  const response = await fetch(`${gateway.origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(dryRun(query)),
  });
  const answer = (await response.json()) as {
    data?: {
      updateAfterSaleOrder?: {
        request?: { query: Array<{ name: string; value: string }>; body: unknown };
      };
    };
  };
  const preview = answer.data?.updateAfterSaleOrder?.request;
  const sameQuery = isDeepStrictEqual(
    preview?.query.map(({ name, value }) => [name, value]),
    AFTER_SALE_QUERY,
  );
  if (!preview || !sameQuery || !isDeepStrictEqual(preview.body, AFTER_SALE_BODY)) {
    throw new Error(
      `The gateway's request for the example differs from bench/upstream.ts; update AFTER_SALE_BODY/QUERY:\n${JSON.stringify(answer)}`,
    );
  }
}
