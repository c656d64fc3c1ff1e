import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Pool } from "undici";
import { EXAMPLE_REQUEST } from "../src/dev/example";
import { hammer, type GraphQLLoad } from "./load";
import {
  failureCount,
  noFailures,
  withCpu,
  type Measurement,
  type Sample,
  type Watched,
} from "./measure";
import type { Row, RowId, Settings } from "./scenarios";
import { startGateway, type GatewayStore, type Server } from "./stack";
import { benchServerUrl, createBenchDatabase, redacted, type ScratchDir } from "./store";
import { AFTER_SALE_PATH, MANY_ORDER_IDS } from "./upstream";

/** What the durable rows share with the rest of the table. */
export interface DurableContext {
  emulator: Server;
  apiKey: string;
  scratch: ScratchDir;
  settings: Settings;
  add: (row: Row) => void;
}

export type Mode = "WAIT" | "QUEUE";

/** The example's order (seeded by `seedOrder`): every request writes the same order. */
const ONE_ORDER = EXAMPLE_REQUEST.variables.input.resourceId;

/** The example mutation, also asking for its delivery, for one order in one delivery mode. */
const WRITE_QUERY = EXAMPLE_REQUEST.query.replace("allApplied", "allApplied delivery { id state }");

export function writeBody(resourceId: string, mode: Mode): string {
  return JSON.stringify({
    query: WRITE_QUERY,
    variables: { input: { ...EXAMPLE_REQUEST.variables.input, resourceId, deliveryMode: mode } },
  });
}

/**
 * A WAIT answer is good once Baidu applied it; a QUEUE answer once the write is committed (its
 * delivery has an id).
 */
const EXPECT: Record<Mode, string> = { WAIT: '"allApplied":true', QUEUE: '"delivery":{"id":' };

/**
 * The durable rows' load; given several gateways (replicas), the connections are spread over them
 * round-robin.
 */
export function writeLoad(
  gateways: Server | readonly Server[],
  apiKey: string,
  mode: Mode,
  orders: "one" | "many",
): GraphQLLoad {
  const all = Array.isArray(gateways) ? gateways : [gateways as Server];
  const bodies = orders === "one" ? undefined : MANY_ORDER_IDS.map((id) => writeBody(id, mode));
  const origins = all.length > 1 ? { origins: all.map((gateway) => gateway.origin) } : {};
  return {
    origin: all[0]!.origin,
    apiKey,
    body: writeBody(ONE_ORDER, mode),
    ...origins,
    ...(bodies && { bodies }),
    expect: EXPECT[mode],
  };
}

const NO_TARGET = "no target yet (set by a later issue)";

/** Warm-up, then the measured window, as `viaGateway` in scenarios.ts does. */
async function measured(
  ctx: DurableContext,
  load: GraphQLLoad,
  watched: Watched,
  connections: number,
): Promise<Measurement> {
  await hammer(load, connections, { durationS: ctx.settings.warmupS });
  const { measurement } = await withCpu(watched, () =>
    hammer(load, connections, { durationS: ctx.settings.durationS }),
  );
  return measurement;
}

/**
 * The embedded store (PGlite in the gateway's process) on a fresh gateway and data directory:
 * WAIT on one order and on 1,000, then QUEUE on 1,000, whose backlog is drained before and after
 * its measured window so that neither the WAIT rows nor the next scenario pay for it.
 */
export async function embeddedRows(ctx: DurableContext): Promise<void> {
  const gateway = await startGateway(
    "gateway (durable, embedded store)",
    ctx.emulator.origin,
    ctx.apiKey,
    { dataDir: ctx.scratch.dataDir("embedded") },
  );
  try {
    const watched: Watched = { gateway: gateway.child.pid, emulator: ctx.emulator.child.pid };
    const row = (id: RowId, label: string, measurement: Measurement, note = NO_TARGET) =>
      ctx.add({ id, label, connections: 50, measurement, note });
    row(
      "durable-embedded-one",
      "durable write, embedded store: WAIT, one order",
      await measured(ctx, writeLoad(gateway, ctx.apiKey, "WAIT", "one"), watched, 50),
    );
    row(
      "durable-embedded-many",
      "durable write, embedded store: WAIT, 1,000 orders",
      await measured(ctx, writeLoad(gateway, ctx.apiKey, "WAIT", "many"), watched, 50),
    );
    const queue = writeLoad(gateway, ctx.apiKey, "QUEUE", "many");
    await hammer(queue, 50, { durationS: ctx.settings.warmupS });
    await drain(gateway, ctx.apiKey, DRAIN_LIMIT_MS);
    const { measurement } = await withCpu(watched, () =>
      hammer(queue, 50, { durationS: ctx.settings.durationS }),
    );
    const backlog = await drain(gateway, ctx.apiKey, DRAIN_LIMIT_MS);
    const ended = await unfinished(gateway, ctx.apiKey);
    measurement.failures.body += ended.count;
    const drained =
      backlog.drainedMs === undefined
        ? `**not drained after ${DRAIN_LIMIT_MS / 1000} s**`
        : `backlog drained ${ms(backlog.drainedMs)} after the window`;
    row(
      "durable-embedded-queue",
      "durable write, embedded store: QUEUE, 1,000 orders",
      measurement,
      `${NO_TARGET}; ${drained}${ended.text}`,
    );
  } finally {
    await gateway.child.stop();
    ctx.settings.progress(`embedded-store gateway log: ${logSummary(gateway.child.output())}`);
  }
}

/**
 * A PostgreSQL server (BENCH_DATABASE_URL): a database of the benchmark's own, a second gateway
 * on it, WAIT on one order and on 1,000, with the server's CPU charged too; the database is
 * dropped at the end. No server: one skipped row.
 */
export async function postgresRows(ctx: DurableContext): Promise<void> {
  const server = benchServerUrl();
  const database = await createBenchDatabase(server);
  if ("unreachable" in database) {
    ctx.add({
      id: "durable-postgres-one",
      label: "durable write, PostgreSQL",
      connections: 50,
      measurement: emptyMeasurement(),
      skipped: `skipped: no PostgreSQL at ${redacted(server)} (${database.unreachable})`,
    });
    return;
  }
  try {
    const gateway = await startGateway(
      "gateway (durable, PostgreSQL)",
      ctx.emulator.origin,
      ctx.apiKey,
      { databaseUrl: database.url },
    );
    try {
      const watched: Watched = {
        gateway: gateway.child.pid,
        emulator: ctx.emulator.child.pid,
        postgres: true,
      };
      const note = `${NO_TARGET}; database ${database.name} on ${redacted(server)}`;
      const row = (id: RowId, label: string, measurement: Measurement) =>
        ctx.add({ id, label, connections: 50, measurement, note });
      row(
        "durable-postgres-one",
        "durable write, PostgreSQL: WAIT, one order",
        await measured(ctx, writeLoad(gateway, ctx.apiKey, "WAIT", "one"), watched, 50),
      );
      row(
        "durable-postgres-many",
        "durable write, PostgreSQL: WAIT, 1,000 orders",
        await measured(ctx, writeLoad(gateway, ctx.apiKey, "WAIT", "many"), watched, 50),
      );
    } finally {
      await gateway.child.stop();
      ctx.settings.progress(`PostgreSQL gateway log: ${logSummary(gateway.child.output())}`);
    }
  } finally {
    await database.drop();
  }
}

const OUTAGE_ORDERS = 100;
const WRITES_PER_ORDER = 10;
const DRAIN_LIMIT_MS = 120_000;
/** More firings than the outage can use: the fault lasts until DELETE /__emulator/faults. */
const OUTAGE_FAULT_TIMES = 1_000_000;

/**
 * Baidu down (update/sub/info answers 503): 10 QUEUE writes to each of 100 orders, then Baidu
 * back; how long acceptance took, how long until every delivery ended, and how many calls the
 * drain made (coalescing should make it about one per order). The gateway retries with a backoff
 * capped at 1 s (`baidu.retry.maxDelayMs`, config file only), so the drain starts within a second.
 */
export async function outageDrain(ctx: DurableContext): Promise<Row> {
  const configFile = join(ctx.scratch.root, "outage-gateway.json");
  writeFileSync(configFile, JSON.stringify({ baidu: { retry: { maxDelayMs: 1000 } } }));
  const store: GatewayStore = { dataDir: ctx.scratch.dataDir("outage"), configFile };
  const gateway = await startGateway(
    "gateway (outage drain)",
    ctx.emulator.origin,
    ctx.apiKey,
    store,
  );
  const control = (path: string, init?: RequestInit) => emulatorCall(ctx.emulator, path, init);
  try {
    await control("faults", { method: "DELETE" });
    await control("faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        route: "updateSubInfo",
        kind: "http",
        status: 503,
        times: OUTAGE_FAULT_TIMES,
      }),
    });
    // Write w goes to order w % 100: each order gets its 10 writes spread over the whole
    // acceptance.
    const bodies = Array.from({ length: OUTAGE_ORDERS * WRITES_PER_ORDER }, (_, w) =>
      writeBody(MANY_ORDER_IDS[w % OUTAGE_ORDERS]!, "QUEUE"),
    );
    const { sample, measurement } = await withCpu(
      { gateway: gateway.child.pid, emulator: ctx.emulator.child.pid },
      () => sendEach(gateway, ctx.apiKey, bodies, 50, EXPECT.QUEUE),
    );
    const pending = (await (await control("faults")).json()) as Array<{ times?: number }>;
    const callsDuringOutage = OUTAGE_FAULT_TIMES - (pending[0]?.times ?? OUTAGE_FAULT_TIMES);
    // Empty the log, then end the outage: the calls logged from here on are the drain's (a call
    // landing between the two requests, a few hundred µs, would be a 503 counted as a drain call).
    await control("requests", { method: "DELETE" });
    await control("faults", { method: "DELETE" });
    const backlog = await drain(gateway, ctx.apiKey, DRAIN_LIMIT_MS);
    const log = (await (await control("requests")).json()) as Array<{ path: string }>;
    const drainCalls = log.filter((request) => request.path === AFTER_SALE_PATH).length;
    const states = await census(gateway, ctx.apiKey);
    const ended = (states.DELIVERED ?? 0) + (states.SUPERSEDED ?? 0);
    // An accepted write that did not end DELIVERED or SUPERSEDED is a failure of the row.
    const accepted = sample.requests - failureCount(sample.failures);
    measurement.failures.body += Math.max(0, accepted - ended);
    const drained =
      backlog.drainedMs === undefined
        ? `**not drained after ${DRAIN_LIMIT_MS / 1000} s**`
        : `all ended ${ms(backlog.drainedMs)} after Baidu came back`;
    const census_ = Object.entries(states)
      .map(([state, count]) => `${state} ${count}`)
      .join(", ");
    return {
      id: "outage-drain",
      label: `outage drain: ${OUTAGE_ORDERS} orders × ${WRITES_PER_ORDER} QUEUE writes, Baidu 503 then back`,
      connections: 50,
      measurement,
      note:
        `${NO_TARGET}; ${bodies.length} writes accepted in ${ms(sample.elapsedS * 1000)} during the outage ` +
        `(${callsDuringOutage} update/sub/info calls answered 503 meanwhile); ${drained}, ` +
        `${drainCalls} update/sub/info calls after it (${(drainCalls / OUTAGE_ORDERS).toFixed(2)} per order); deliveries: ${census_}`,
      outage: {
        acceptedMs: sample.elapsedS * 1000,
        drainedMs: backlog.drainedMs,
        callsDuringOutage,
        drainCalls,
        states,
      },
    };
  } finally {
    await control("faults", { method: "DELETE" }).catch(() => undefined);
    await gateway.child.stop();
    ctx.settings.progress(`outage gateway log (last 64 KB): ${logSummary(gateway.child.output())}`);
  }
}

/**
 * Sends every body once, `concurrency` at a time, closed loop; each answer must contain `expect`.
 */
async function sendEach(
  gateway: Server,
  apiKey: string,
  bodies: readonly string[],
  concurrency: number,
  expect: string,
): Promise<Sample> {
  const pool = new Pool(gateway.origin, { connections: concurrency });
  const failures = noFailures();
  const latenciesMs: number[] = [];
  const headers = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const sent = performance.now();
      try {
        const answer = await pool.request({ path: "/graphql", method: "POST", headers, body });
        const text = await answer.body.text();
        if (answer.statusCode < 200 || answer.statusCode > 299) failures.non2xx += 1;
        else if (text.includes('"errors"') || !text.includes(expect)) failures.body += 1;
      } catch {
        failures.network += 1;
      }
      latenciesMs.push(performance.now() - sent);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
  return {
    requests: latenciesMs.length,
    elapsedS: (performance.now() - start) / 1000,
    latenciesMs,
    failures,
  };
}

async function graphql<T>(
  gateway: Server,
  apiKey: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${gateway.origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || answer.errors || !answer.data)
    throw new Error(
      `The gateway answered a ledger query with HTTP ${response.status}: ${JSON.stringify(answer)}`,
    );
  return answer.data;
}

const IN_FLIGHT = `{
  pending: deliveries(first: 1, filter: { state: PENDING }) { edges { cursor } }
  sending: deliveries(first: 1, filter: { state: SENDING }) { edges { cursor } }
}`;

type Edges = { edges: unknown[] };

/**
 * Polls every 100 ms until no delivery is PENDING or SENDING; undefined if that takes longer than
 * `limitMs`.
 */
export async function drain(
  gateway: Server,
  apiKey: string,
  limitMs: number,
): Promise<{ drainedMs: number | undefined }> {
  const start = performance.now();
  for (;;) {
    const { pending, sending } = await graphql<{ pending: Edges; sending: Edges }>(
      gateway,
      apiKey,
      IN_FLIGHT,
    );
    const elapsed = performance.now() - start;
    if (pending.edges.length === 0 && sending.edges.length === 0) return { drainedMs: elapsed };
    if (elapsed > limitMs) return { drainedMs: undefined };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const ENDED_BADLY = `{
  failed: deliveries(first: 100, filter: { state: FAILED }) { edges { cursor } }
  unknown: deliveries(first: 100, filter: { state: OUTCOME_UNKNOWN }) { edges { cursor } }
  cancelled: deliveries(first: 100, filter: { state: CANCELLED }) { edges { cursor } }
}`;

/** Deliveries that ended other than DELIVERED or SUPERSEDED (up to 100 of each state). */
async function unfinished(
  gateway: Server,
  apiKey: string,
): Promise<{ count: number; text: string }> {
  const answer = await graphql<Record<string, Edges>>(gateway, apiKey, ENDED_BADLY);
  const counts = Object.entries(answer).filter(([, page]) => page.edges.length > 0);
  const count = counts.reduce((sum, [, page]) => sum + page.edges.length, 0);
  return {
    count,
    text:
      counts.length === 0
        ? ""
        : `; **ended badly: ${counts.map(([state, page]) => `${state} ${page.edges.length}`).join(", ")}**`,
  };
}

const PAGE = `query Page($after: String) {
  deliveries(first: 100, after: $after) { edges { node { state } } pageInfo { hasNextPage endCursor } }
}`;

/**
 * How many of the gateway's deliveries are in each state (pages through all of them: keep the
 * ledger small).
 */
async function census(gateway: Server, apiKey: string): Promise<Record<string, number>> {
  const states: Record<string, number> = {};
  let after: string | null = null;
  for (;;) {
    type Page = {
      deliveries: {
        edges: Array<{ node: { state: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const { deliveries }: Page = await graphql<Page>(gateway, apiKey, PAGE, { after });
    for (const { node } of deliveries.edges) states[node.state] = (states[node.state] ?? 0) + 1;
    if (!deliveries.pageInfo.hasNextPage) return states;
    after = deliveries.pageInfo.endCursor;
  }
}

/**
 * The gateway's warn and error lines (JSON, `level` and `msg`) in the output kept of it, counted
 * by message, for the progress lines: a durable row can be error-free yet have the gateway
 * complain.
 */
export function logSummary(output: string): string {
  const counts = new Map<string, number>();
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if (entry.level !== "warn" && entry.level !== "error") continue;
      const key = `${entry.level}: ${entry.msg ?? "(no msg)"}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      // A line cut at the start of the kept tail.
    }
  }
  return counts.size === 0
    ? "no warnings or errors logged"
    : [...counts].map(([key, count]) => `${count}× ${key}`).join("; ");
}

async function emulatorCall(emulator: Server, path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(`${emulator.origin}/__emulator/${path}`, init);
  if (!response.ok)
    throw new Error(
      `${init?.method ?? "GET"} /__emulator/${path} answered ${response.status}: ${await response.text()}`,
    );
  return response;
}

export function emptyMeasurement(): Measurement {
  return {
    requests: 0,
    rps: NaN,
    p50Ms: NaN,
    p99Ms: NaN,
    failures: noFailures(),
    cpuUs: { client: NaN },
  };
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
