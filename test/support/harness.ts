import "reflect-metadata";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type FormattedExecutionResult } from "graphql";
import { sha256Hex } from "../../src/auth/api-keys";
import type { Clock } from "../../src/lib/clock";
import type { AppConfig, GatewayConfig } from "../../src/config/types";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/server";
import { DEFAULT_INPUT_LIMITS } from "../../schema/validators";
import { DEFAULT_LIMITS } from "../../src/graphql/limits";
import { createLogger } from "../../src/ops/log";
import { startGateway, type Gateway } from "../../src/server";
import type { DeliveryOptions } from "../../src/delivery/options";
import type { Sql } from "../../src/store/sql";
import { testStore, type StoreKind } from "./store";

/** The app of Baidu's doc examples, configured in every harness. */
export const SHOP: AppConfig = {
  name: "shop",
  appKey: "a392qXwK8L5GDUWhFoC01cKwoy7tmehg",
  appSecret: "shop-app-secret-5f1e",
  pmAppKey: "shop-pm-app-key",
};
export const OTHER: AppConfig = {
  name: "other",
  appKey: "OtherAppKeyOtherAppKeyOtherAppKe",
  appSecret: "other-app-secret-9c2d",
  pmAppKey: "other-pm-app-key",
};

/** API keys: one for every app, one for SHOP only. */
export const ADMIN_KEY = "test-admin-key-0c8f3a";
export const SHOP_KEY = "test-shop-only-key-77b1";

/**
 * A clock whose sleeps return at once and are recorded; `hold` makes sleeps (and time) wait for the
 * test.
 */
export function testClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  const sleeps: number[] = [];
  let gate: Promise<void> | undefined;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      // Held, time stands still until the test releases it.
      if (gate) await gate;
      now += ms;
    },
    random: () => 0.5,
  };
  return {
    clock,
    sleeps,
    advance: (ms: number) => (now += ms),
    /** Sleeps wait until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

export interface HarnessOptions {
  emulator?: Partial<EmulatorOptions>;
  config?: Partial<GatewayConfig>;
  baidu?: Partial<GatewayConfig["baidu"]>;
  delivery?: Partial<DeliveryOptions>;
  clock?: Clock;
  /** Default pglite. */
  store?: StoreKind;
  /** Wraps the store the gateway gets, e.g. to count statements. */
  wrapSql?: (sql: Sql) => Sql;
  /** Start on the store as the previous harness of this file left it (a restart). */
  keepStore?: boolean;
}

/** Delivery settings of the tests: Baidu's answer is awaited for as long as a test may take. */
export const TEST_DELIVERY: DeliveryOptions = {
  waitMs: 10_000,
  deadlineMs: 86_400_000,
  leaseMs: 30_000,
  concurrency: 64,
  pollMs: 1_000,
  retentionMs: 30 * 86_400_000,
  retry: { baseDelayMs: 100, maxDelayMs: 60_000 },
};

export interface Harness {
  emulator: Emulator;
  gateway: Gateway;
  /** Every line the gateway logged. */
  logs: string[];
  /** The gateway's store (emptied when the harness started). */
  sql: Sql;
  /** Sends a typed operation; `key` defaults to the admin key, `null` sends none. */
  send<R, V>(
    document: TypedDocumentNode<R, V>,
    variables: V,
    key?: string | null,
  ): Promise<{ status: number; body: FormattedExecutionResult<R>; text: string }>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ apps: [SHOP, OTHER], ...options.emulator });
  const logs: string[] = [];
  const config: GatewayConfig = {
    mode: "production",
    host: "127.0.0.1",
    port: 0,
    logLevel: "debug",
    emulator: false,
    apps: [SHOP, OTHER],
    apiKeys: [
      { name: "admin", sha256: sha256Hex(ADMIN_KEY), apps: ["*"] },
      { name: "shop-only", sha256: sha256Hex(SHOP_KEY), apps: [SHOP.appKey] },
    ],
    auth: { jwt: null },
    limits: DEFAULT_LIMITS,
    inputLimits: DEFAULT_INPUT_LIMITS,
    http: {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnections: 1024,
      corsOrigins: [],
      shutdownDelayMs: 0,
    },
    ...options.config,
    baidu: {
      baseUrl: emulator.url,
      timeoutMs: 2000,
      connections: 16,
      budget: { callsPerSecond: null, recoverMs: 10_000, pauseMs: 1000 },
      // The production defaults (src/config/load.ts).
      wire: { expressShape: "object", detailPageStatus: "integer" },
      ...options.baidu,
    },
    store: { databaseUrl: undefined, dataDir: "memory://" },
    delivery: { ...TEST_DELIVERY, ...options.delivery },
  };
  const store = await testStore(options.store, options.keepStore);
  const sql = options.wrapSql ? options.wrapSql(store) : store;
  const gateway = await startGateway({
    config,
    logger: createLogger({ level: "debug", write: (line) => logs.push(line) }),
    clock: options.clock ?? testClock().clock,
    sql,
  });
  return {
    emulator,
    gateway,
    logs,
    sql,
    async send(document, variables, key = ADMIN_KEY) {
      const response = await fetch(gateway.graphqlUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text), text };
    },
    async close() {
      await gateway.close();
      await emulator.close();
    },
  };
}
