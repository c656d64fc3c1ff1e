import { randomBytes } from "node:crypto";
import { TOKEN_PATH } from "../src/baidu/endpoints";
import { createDirectClient, createLimitClient, drive, type DirectClient } from "./clients";
import { GC_TRACE_FLAGS, liveHeapAfterLastFullGcMb } from "./heap";
import { hammer, type GraphQLLoad } from "./load";
import {
  failureCount,
  mergeSamples,
  withCpu,
  type Measurement,
  type Sample,
  type Watched,
} from "./measure";
import { processUsage } from "./processes";
import {
  checkSameRequest,
  DRY_RUN,
  MUTATION,
  startEmulator,
  startGateway,
  TYPENAME,
  type Server,
} from "./stack";
import { createScratchDir, type ScratchDir } from "./store";
import { AFTER_SALE_PATH, fetchToken, MANY_ORDER_IDS, seedOrder, seedOrders } from "./upstream";
import { embeddedRows, logSummary, outageDrain, postgresRows } from "./durable";
import { REPLICA_ROW_IDS, replicaRows, type ReplicaFigures, type ReplicaRowId } from "./replicas";
import { BUDGET_ROW_IDS, budgetRows, type BudgetRowId } from "./budget";

export type RowId =
  | "limit-5"
  | "limit-50"
  | "direct-5"
  | "direct-50"
  | "gateway-5"
  | "gateway-50"
  | "dryrun-50"
  | "typename-50"
  | "burst"
  | "memory"
  | DurableRowId;

/**
 * The durable ledger's rows: measured and shown, but without targets (the replicas' ones for good:
 * two cores cannot show scaling).
 */
export type DurableRowId =
  | "durable-embedded-one"
  | "durable-embedded-many"
  | "durable-embedded-queue"
  | "durable-postgres-one"
  | "durable-postgres-many"
  | "outage-drain"
  | ReplicaRowId
  | BudgetRowId;

export const DURABLE_ROWS: ReadonlySet<RowId> = new Set<DurableRowId>([
  "durable-embedded-one",
  "durable-embedded-many",
  "durable-embedded-queue",
  "durable-postgres-one",
  "durable-postgres-many",
  "outage-drain",
  ...REPLICA_ROW_IDS,
  ...BUDGET_ROW_IDS,
]);

export interface Row {
  id: RowId;
  label: string;
  connections: number;
  measurement: Measurement;
  burst?: { tokenRequests: number; upstreamCalls: number; allAnsweredMs: number };
  /** Before the rounds, then after each; live heap is what the last full GC kept. */
  memory?: { rssMb: number[]; liveHeapMb: Array<number | undefined>; peakMb: number | undefined };
  /** Shown in the Target column of a row without a target. */
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
  /** Extra `node` flags for the measured gateway, e.g. --cpu-prof. */
  gatewayNodeArgs: string[];
  progress: (line: string) => void;
}

const BURST = 1000;
const MB = 1024 * 1024;

/**
 * One full table: fresh emulator and gateways, every scenario in order, children stopped at the
 * end. Every gateway keeps its ledger in its own PGlite data directory under one temp directory,
 * removed at the end (or in a PostgreSQL database of its own, for the PostgreSQL rows).
 */
export async function runTable(settings: Settings): Promise<Row[]> {
  const scratch = createScratchDir();
  const emulator = await startEmulator();
  const servers: Server[] = [emulator];
  try {
    const token = await fetchToken(emulator.origin);
    await seedOrder(emulator.origin, token);
    await seedOrders(emulator.origin, token, MANY_ORDER_IDS);
    const apiKey = randomBytes(24).toString("base64url");
    const gateway = await startGateway(
      "gateway",
      emulator.origin,
      apiKey,
      { dataDir: scratch.dataDir("gateway") },
      [...GC_TRACE_FLAGS, ...settings.gatewayNodeArgs],
    );
    servers.push(gateway);
    await checkSameRequest(gateway, apiKey);
    const watched: Watched = { gateway: gateway.child.pid, emulator: emulator.child.pid };
    const load = (body: string, expect: string): GraphQLLoad => ({
      origin: gateway.origin,
      apiKey,
      body,
      expect,
    });
    const mutation = load(MUTATION, '"allApplied":true');
    const rows: Row[] = [];
    const add = (row: Row) => {
      rows.push(row);
      const m = row.measurement;
      if (row.skipped) return settings.progress(`${row.label}: ${row.skipped}`);
      const errors = failureCount(m.failures);
      settings.progress(
        `${row.label} @${row.connections}: ${Math.round(m.rps)} req/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms` +
          (errors > 0 ? `, ${errors} ERRORS` : "") +
          (row.note ? ` (${row.note})` : ""),
      );
    };
    const direct = async (id: RowId, label: string, client: DirectClient, connections: number) => {
      await drive(client, connections, settings.warmupS);
      const { measurement } = await withCpu({ emulator: watched.emulator }, () =>
        drive(client, connections, settings.durationS),
      );
      await client.close();
      add({ id, label, connections, measurement });
    };
    const viaGateway = async (
      id: RowId,
      label: string,
      graphql: GraphQLLoad,
      connections: number,
    ) => {
      await hammer(graphql, connections, { durationS: settings.warmupS });
      const { measurement } = await withCpu(watched, () =>
        hammer(graphql, connections, { durationS: settings.durationS }),
      );
      add({ id, label, connections, measurement });
    };
    await direct(
      "limit-5",
      "limit: undici request → emulator",
      createLimitClient(emulator.origin, token, 5),
      5,
    );
    await direct(
      "limit-50",
      "limit: undici request → emulator",
      createLimitClient(emulator.origin, token, 50),
      50,
    );
    await direct(
      "direct-5",
      "direct: ky → emulator",
      createDirectClient(emulator.origin, token),
      5,
    );
    await direct(
      "direct-50",
      "direct: ky → emulator",
      createDirectClient(emulator.origin, token),
      50,
    );
    await viaGateway(
      "gateway-5",
      "gateway: updateAfterSaleOrder (WAIT, ledger on PGlite)",
      mutation,
      5,
    );
    await viaGateway(
      "gateway-50",
      "gateway: updateAfterSaleOrder (WAIT, ledger on PGlite)",
      mutation,
      50,
    );
    await viaGateway(
      "dryrun-50",
      "gateway: same mutation, dryRun",
      load(DRY_RUN, '"updateAfterSaleOrder"'),
      50,
    );
    await viaGateway(
      "typename-50",
      "gateway: { __typename }",
      load(TYPENAME, '"__typename":"Query"'),
      50,
    );
    add(await tokenBurst(emulator, apiKey, scratch, settings));
    add(await memoryRounds(mutation, gateway, watched, settings));
    // The measured gateway is done: stop it so that the durable rows' gateways have the cores to
    // themselves.
    await gateway.child.stop();
    settings.progress(`measured gateway log: ${logSummary(gateway.child.output())}`);
    const durable = { emulator, apiKey, scratch, settings, add };
    await embeddedRows(durable);
    await postgresRows(durable);
    await budgetRows(durable);
    await replicaRows(durable);
    add(await outageDrain(durable));
    return rows;
  } finally {
    await Promise.all(servers.map((server) => server.child.stop()));
    scratch.remove();
  }
}

/**
 * 1,000 mutations at once against a gateway that has never fetched a token. It warms up on the
 * dry-run mutation, which exercises the same resolvers but never asks for a token.
 */
async function tokenBurst(
  emulator: Server,
  apiKey: string,
  scratch: ScratchDir,
  settings: Settings,
): Promise<Row> {
  const cold = await startGateway("gateway (cold token cache)", emulator.origin, apiKey, {
    dataDir: scratch.dataDir("cold"),
  });
  try {
    await hammer(
      { origin: cold.origin, apiKey, body: DRY_RUN, expect: '"updateAfterSaleOrder"' },
      50,
      { durationS: settings.warmupS },
    );
    // The request log is a ring buffer of 10,000 shared by every earlier scenario: empty it first.
    const cleared = await fetch(`${emulator.origin}/__emulator/requests`, { method: "DELETE" });
    if (!cleared.ok) throw new Error(`DELETE /__emulator/requests answered ${cleared.status}`);
    const burst = { origin: cold.origin, apiKey, body: MUTATION, expect: '"allApplied":true' };
    const { sample, measurement } = await withCpu(
      { gateway: cold.child.pid, emulator: emulator.child.pid },
      () => hammer(burst, BURST, { amount: BURST }),
    );
    const log = (await (await fetch(`${emulator.origin}/__emulator/requests`)).json()) as Array<{
      path: string;
    }>;
    const tokenRequests = log.filter((request) => request.path === TOKEN_PATH).length;
    const upstreamCalls = log.filter((request) => request.path === AFTER_SALE_PATH).length;
    return {
      id: "burst",
      label: "token burst: cold gateway",
      connections: BURST,
      measurement,
      burst: { tokenRequests, upstreamCalls, allAnsweredMs: sample.elapsedS * 1000 },
    };
  } finally {
    await cold.child.stop();
  }
}

/** Three load rounds at 50 connections after a warm-up; RSS is read before and after each one. */
async function memoryRounds(
  mutation: GraphQLLoad,
  gateway: Server,
  watched: Watched,
  settings: Settings,
): Promise<Row> {
  const pid = gateway.child.pid;
  const rss: number[] = [];
  const liveHeapMb: Array<number | undefined> = [];
  const read = () => {
    rss.push((processUsage(pid)?.rssBytes ?? NaN) / MB);
    liveHeapMb.push(liveHeapAfterLastFullGcMb(gateway.child.output()));
  };
  await hammer(mutation, 50, { durationS: settings.warmupS });
  read();
  const { measurement } = await withCpu(watched, async () => {
    const rounds: Sample[] = [];
    for (let round = 0; round < 3; round++) {
      rounds.push(await hammer(mutation, 50, { durationS: settings.durationS }));
      read();
    }
    return mergeSamples(rounds);
  });
  const peak = processUsage(pid)?.peakRssBytes;
  return {
    id: "memory",
    label: "memory: 3 rounds of the mutation (PGlite in-process)",
    connections: 50,
    measurement,
    memory: { rssMb: rss, liveHeapMb, peakMb: peak === undefined ? undefined : peak / MB },
  };
}
