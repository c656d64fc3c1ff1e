import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { TOKEN_PATH } from "../src/baidu/endpoints";
import { createLimitClient, drive } from "./clients";
import { embeddedRows, postgresRows } from "./gateway-rows";
import { backlogRows, growthRows } from "./growth";
import { hammer, type GraphQLLoad } from "./load";
import { failureCount, withCpu, type Measurement } from "./measure";
import { BUDGET_ROW_IDS, budgetRows, type BudgetRowId } from "./budget";
import { logSummary, type DurableContext } from "./durable";
import { REPLICA_ROW_IDS, replicaRows, type ReplicaFigures, type ReplicaRowId } from "./replicas";
import { measureWindow, startForRow, windowRow } from "./server-row";
import {
  checkSameRequest,
  DRY_RUN,
  exampleFor,
  MUTATION,
  startAnchor,
  startEmulator,
  startGateway,
  TYPENAME,
  type Server,
} from "./stack";
import { createScratchDir } from "./store";
import {
  AFTER_SALE_BODY,
  AFTER_SALE_PATH,
  AFTER_SALE_QUERY,
  fetchToken,
  MANY_ORDER_IDS,
  seedOrder,
  seedOrders,
} from "./upstream";

export type RowId =
  | "limit-50"
  | "anchor-50"
  | "typename-50"
  | "dryrun-50"
  | "burst"
  | "durable-embedded-many"
  | "memory-embedded"
  | "durable-embedded-one"
  | "durable-embedded-many-warn"
  | "durable-embedded-queue"
  | "durable-postgres-many"
  | "memory-postgres"
  | "durable-postgres-one"
  | "growth-postgres-reference"
  | "growth-postgres"
  | "growth-embedded-reference"
  | "growth-embedded"
  | "backlog-embedded"
  | "backlog-postgres"
  | ReplicaRowId
  | BudgetRowId;

/** Rows measured and shown without a target: never judged, `--check` ignores them. */
export const UNTARGETED_ROWS: ReadonlySet<RowId> = new Set<RowId>([
  "limit-50",
  "anchor-50",
  "typename-50",
  "dryrun-50",
  "durable-embedded-many-warn",
  "durable-embedded-queue",
  "growth-postgres-reference",
  "growth-embedded-reference",
  "backlog-embedded",
  "backlog-postgres",
  ...REPLICA_ROW_IDS,
  ...BUDGET_ROW_IDS,
]);

export interface Row {
  id: RowId;
  label: string;
  connections: number;
  measurement: Measurement;
  /** The server's (gateway's or anchor's) peak RSS under the row's load. */
  peakRssMb?: number;
  burst?: { tokenRequests: number; upstreamCalls: number; allAnsweredMs: number };
  /** Before the rounds, then after each; live heap is what the last full GC kept. */
  memory?: { rssMb: number[]; liveHeapMb: Array<number | undefined>; peakMb: number | undefined };
  /** Shown in the Target column of a row without a target, and after the verdict of one with. */
  note?: string;
  /** Why the row was not measured (e.g. no PostgreSQL server); its numbers are empty. */
  skipped?: string;
  replicas?: ReplicaFigures;
  outage?: {
    acceptedMs: number;
    drainedMs: number | undefined;
    callsDuringOutage: number;
    drainCalls: number;
    states: Record<string, number>;
  };
}

export interface Settings {
  durationS: number;
  warmupS: number;
  /** Profile every gateway's (and the anchor's) measured window into this directory. */
  profileDir: string | undefined;
  /** Measure only these rows (the anchor always); none: every row. */
  only: ReadonlySet<RowId> | undefined;
  progress: (line: string) => void;
}

const BURST = 1000;

/**
 * One full table: a fresh emulator, then each scenario on servers of its own, children stopped at
 * the end. Every gateway keeps its ledger in a fresh PGlite data directory under one temp
 * directory, removed at the end, or in a PostgreSQL database of its own, dropped after its row.
 */
export async function runTable(settings: Settings): Promise<Row[]> {
  const scratch = createScratchDir();
  const emulator = await startEmulator();
  try {
    const token = await fetchToken(emulator.origin);
    await seedOrder(emulator.origin, token);
    await seedOrders(emulator.origin, token, MANY_ORDER_IDS);
    const rows: Row[] = [];
    const ctx: DurableContext = {
      emulator,
      apiKey: randomBytes(24).toString("base64url"),
      scratch,
      settings,
      add: (row) => {
        rows.push(row);
        settings.progress(progressLine(row));
      },
    };
    const only = (id: RowId) => !settings.only || settings.only.has(id);
    await coldGatewayRows(ctx, only);
    if (only("limit-50")) await limitRow(ctx, token);
    await anchorRow(ctx);
    await embeddedRows(ctx, only);
    await postgresRows(ctx, only);
    await growthRows(ctx, only);
    await backlogRows(ctx, only);
    if (BUDGET_ROW_IDS.some(only)) await budgetRows(ctx);
    if (REPLICA_ROW_IDS.some(only)) await replicaRows(ctx);
    return rows;
  } finally {
    await emulator.child.stop();
    scratch.remove();
  }
}

function progressLine(row: Row): string {
  const m = row.measurement;
  if (row.skipped) return `${row.label}: ${row.skipped}`;
  const errors = failureCount(m.failures);
  return (
    `${row.label} @${row.connections}: ${Math.round(m.rps)} req/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, ` +
    `server CPU ${Math.round(m.cpuUs.gateway ?? NaN)} µs/req` +
    (row.peakRssMb === undefined ? "" : `, peak RSS ${Math.round(row.peakRssMb)} MB`) +
    (errors > 0 ? `, ${errors} ERRORS` : "")
  );
}

/** The upstream stub alone: undici straight to the emulator, the most any server here can reach. */
async function limitRow(ctx: DurableContext, token: string): Promise<void> {
  const client = createLimitClient(ctx.emulator.origin, token, 50);
  await drive(client, 50, ctx.settings.warmupS);
  const { measurement } = await withCpu({ emulator: ctx.emulator.child.pid }, () =>
    drive(client, 50, ctx.settings.durationS),
  );
  await client.close();
  ctx.add({
    id: "limit-50",
    label: "upstream stub alone: undici request → emulator",
    connections: 50,
    measurement,
  });
}

/**
 * The anchor, the reference of every ratio: the hand-written Apollo Server 5 + RESTDataSource
 * server, on the same emulator, with the many-orders load (the same bodies as the gateway's WAIT
 * rows). First checked to send Baidu the same call as the gateway does.
 */
async function anchorRow(ctx: DurableContext): Promise<void> {
  const run = await startForRow(ctx.settings, "anchor-50", (nodeArgs) =>
    startAnchor(ctx.emulator.origin, nodeArgs),
  );
  try {
    await checkAnchorRequest(ctx.emulator, run.server);
    const load: GraphQLLoad = {
      origin: run.server.origin,
      apiKey: "",
      body: exampleFor(MANY_ORDER_IDS[0]!),
      bodies: MANY_ORDER_IDS.map(exampleFor),
      expect: '"allApplied":true',
    };
    const label = "anchor: Apollo Server 5 + RESTDataSource, hand-written (1,000 orders)";
    const window = await measureWindow(ctx.settings, run, "anchor-50", label, load, 50, {
      emulator: ctx.emulator.child.pid,
    });
    ctx.add(windowRow("anchor-50", label, 50, window));
  } finally {
    await run.server.child.stop();
    ctx.settings.progress(`anchor log: ${logSummary(run.server.child.output())}`);
  }
}

/** One mutation through the anchor; the call the emulator logged must be the gateway's. */
async function checkAnchorRequest(emulator: Server, anchor: Server): Promise<void> {
  const cleared = await fetch(`${emulator.origin}/__emulator/requests`, { method: "DELETE" });
  if (!cleared.ok) throw new Error(`DELETE /__emulator/requests answered ${cleared.status}`);
  const answer = await fetch(`${anchor.origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: MUTATION,
  });
  const text = await answer.text();
  if (!answer.ok || !text.includes('"allApplied":true'))
    throw new Error(`The anchor answered the example with HTTP ${answer.status}: ${text}`);
  const log = (await (await fetch(`${emulator.origin}/__emulator/requests`)).json()) as Array<{
    path: string;
    query: Record<string, string>;
    body: unknown;
  }>;
  const call = log.find((request) => request.path === AFTER_SALE_PATH);
  const query = call && Object.entries(call.query).filter(([name]) => name !== "access_token");
  const sameQuery = isDeepStrictEqual(
    new Map(query ?? []),
    new Map(AFTER_SALE_QUERY.map(([name, value]) => [name, value])),
  );
  if (!call || !sameQuery || !isDeepStrictEqual(call.body, AFTER_SALE_BODY))
    throw new Error(
      `The anchor's call differs from the gateway's (bench/upstream.ts): ${JSON.stringify(call)}`,
    );
}

/**
 * A gateway that has never fetched a token: `{ __typename }` and the dry-run mutation (neither
 * asks Baidu for anything) at 50 connections, then 1,000 mutations at once. First, its dry-run
 * preview checks that the limit client sends the gateway's call.
 */
async function coldGatewayRows(ctx: DurableContext, only: (id: RowId) => boolean) {
  const ids: RowId[] = ["typename-50", "dryrun-50", "burst"];
  if (!ids.some(only) && !only("limit-50")) return;
  const run = await startForRow(ctx.settings, "dryrun-50", (nodeArgs) =>
    startGateway(
      "gateway (cold token cache)",
      ctx.emulator.origin,
      ctx.apiKey,
      {
        dataDir: ctx.scratch.dataDir("cold"),
      },
      { nodeArgs },
    ),
  );
  const gateway = run.server;
  try {
    await checkSameRequest(gateway, ctx.apiKey);
    const load = (body: string, expect: string): GraphQLLoad => ({
      origin: gateway.origin,
      apiKey: ctx.apiKey,
      body,
      expect,
    });
    const watched = { emulator: ctx.emulator.child.pid };
    if (only("typename-50")) {
      const label = "gateway: { __typename }";
      const window = await measureWindow(
        ctx.settings,
        { server: gateway, profiling: undefined },
        "typename-50",
        label,
        load(TYPENAME, '"__typename":"Query"'),
        50,
        watched,
      );
      ctx.add(windowRow("typename-50", label, 50, window));
    }
    const dryRun = load(DRY_RUN, '"updateAfterSaleOrder"');
    if (only("dryrun-50")) {
      const label = "gateway: the mutation with dryRun (no ledger, no Baidu call)";
      const window = await measureWindow(
        ctx.settings,
        run,
        "dryrun-50",
        label,
        dryRun,
        50,
        watched,
      );
      ctx.add(windowRow("dryrun-50", label, 50, window));
    } else await hammer(dryRun, 50, { durationS: ctx.settings.warmupS });
    if (only("burst")) ctx.add(await tokenBurst(ctx, gateway));
  } finally {
    await gateway.child.stop();
    ctx.settings.progress(`cold gateway log: ${logSummary(gateway.child.output())}`);
  }
}

/** 1,000 mutations at once against the gateway, which has never fetched a token. */
async function tokenBurst(ctx: DurableContext, cold: Server): Promise<Row> {
  const emulator = ctx.emulator;
  // The request log is a ring buffer of 10,000 shared by every earlier scenario: empty it first.
  const cleared = await fetch(`${emulator.origin}/__emulator/requests`, { method: "DELETE" });
  if (!cleared.ok) throw new Error(`DELETE /__emulator/requests answered ${cleared.status}`);
  const burst = {
    origin: cold.origin,
    apiKey: ctx.apiKey,
    body: MUTATION,
    expect: '"allApplied":true',
  };
  const { sample, measurement } = await withCpu(
    { gateway: cold.child.pid, emulator: emulator.child.pid },
    // One order's 1,000 writes are accepted one after the other: on a busy machine the last answers
    // can take longer than autocannon's default 10 s, which would count as errors of the client.
    () => hammer(burst, BURST, { amount: BURST, timeoutS: 60 }),
  );
  const log = (await (await fetch(`${emulator.origin}/__emulator/requests`)).json()) as Array<{
    path: string;
  }>;
  const tokenRequests = log.filter((request) => request.path === TOKEN_PATH).length;
  const upstreamCalls = log.filter((request) => request.path === AFTER_SALE_PATH).length;
  return {
    id: "burst",
    label: "token burst: cold gateway, 1,000 mutations at once (one order)",
    connections: BURST,
    measurement,
    burst: { tokenRequests, upstreamCalls, allAnsweredMs: sample.elapsedS * 1000 },
  };
}
