import { drain, emptyMeasurement, logSummary, ms, unfinished, writeLoad } from "./durable";
import type { DurableContext, Mode } from "./durable";
import { GC_TRACE_FLAGS, liveHeapAfterLastFullGcMb } from "./heap";
import { hammer, type GraphQLLoad } from "./load";
import { mergeSamples, withCpu, type Sample, type Watched } from "./measure";
import { processUsage } from "./processes";
import type { Row, RowId } from "./scenarios";
import {
  measureInterleaved,
  startForRow,
  windowRow,
  type RowServer,
  type Side,
} from "./server-row";
import { parsePrometheus } from "./replicas";
import { startGateway, type GatewayOptions, type GatewayStore, type Server } from "./stack";
import { benchServerUrl, createBenchDatabase, redacted } from "./store";

const MB = 1024 * 1024;
const DRAIN_LIMIT_MS = 120_000;

/** A store for one row's gateway: made fresh, removed after. */
export interface RowStore {
  store: GatewayStore;
  /** Charge the PostgreSQL server's processes too. */
  postgres: boolean;
  /** Shown in the row's note, e.g. the database's name. */
  where: string;
  remove(): Promise<void>;
}

/** A fresh embedded data directory (removed with the run's scratch directory). */
export function embeddedStore(ctx: DurableContext, name: string): RowStore {
  return {
    store: { dataDir: ctx.scratch.dataDir(name) },
    postgres: false,
    where: "PGlite in the gateway's process",
    remove: async () => undefined,
  };
}

/** A fresh database on the PostgreSQL server; a string: why there is none. */
export async function postgresStore(): Promise<RowStore | string> {
  const server = benchServerUrl();
  const database = await createBenchDatabase(server);
  if ("unreachable" in database)
    return `skipped: no PostgreSQL at ${redacted(server)} (${database.unreachable})`;
  return {
    store: { databaseUrl: database.url },
    postgres: true,
    where: `database ${database.name} on ${redacted(server)}`,
    remove: () => database.drop(),
  };
}

/** One gateway row: its own gateway on its own fresh store, and what else to measure on it. */
export interface GatewayRowSpec {
  id: RowId;
  label: string;
  mode: Mode;
  orders: "one" | "many";
  logLevel?: GatewayOptions["logLevel"];
  /** Three more rounds of the load on the same gateway afterwards: RSS growth and peak. */
  memory?: { id: RowId; label: string };
  note?: string;
}

/** A row to measure, on the store made for it. */
export interface GroupMember {
  spec: GatewayRowSpec;
  rowStore: RowStore;
}

/**
 * Starts a gateway per member on its store (already filled, for the grown ledger), measures their
 * loads at 50 connections in turns (`measureInterleaved`: rows compared with each other are
 * measured alike), adds their rows (and memory rows), stops the gateways. Stores are left to the
 * caller.
 */
export async function gatewayGroup(
  ctx: DurableContext,
  members: readonly GroupMember[],
): Promise<Row[]> {
  const runs: RowServer[] = [];
  try {
    for (const { spec, rowStore } of members)
      runs.push(
        await startForRow(ctx.settings, spec.id, (nodeArgs) =>
          startGateway(`gateway (${spec.id})`, ctx.emulator.origin, ctx.apiKey, rowStore.store, {
            nodeArgs: [...GC_TRACE_FLAGS, ...nodeArgs],
            ...(spec.logLevel && { logLevel: spec.logLevel }),
          }),
        ),
      );
    const sides: Side[] = members.map(({ spec, rowStore }, i) => {
      const server = runs[i]!.server;
      // A QUEUE row starts its window with no backlog, and drains the window's after it.
      const settle =
        spec.mode === "QUEUE" ? () => drain(server, ctx.apiKey, DRAIN_LIMIT_MS) : undefined;
      return {
        id: spec.id,
        label: spec.label,
        run: runs[i]!,
        load: writeLoad(server, ctx.apiKey, spec.mode, spec.orders),
        watched: { emulator: ctx.emulator.child.pid, postgres: rowStore.postgres },
        hooks: { ...(settle && { afterWarmup: settle }), counter: () => storeStatements(server) },
      };
    });
    const windows = await measureInterleaved(ctx.settings, sides, 50);
    const rows: Row[] = [];
    for (const [i, { spec, rowStore }] of members.entries()) {
      const window = windows[i]!;
      const server = runs[i]!.server;
      const statements =
        window.countedPerRequest === undefined
          ? undefined
          : `${window.countedPerRequest.toFixed(2)} SQL statements per write (the gateway's /metrics)`;
      const turns = members.length > 1 ? `measured in turns with ${others(members, i)}` : undefined;
      let note = [spec.note, statements, turns, rowStore.where].filter(Boolean).join("; ");
      if (spec.mode === "QUEUE") {
        const backlog = await drain(server, ctx.apiKey, DRAIN_LIMIT_MS);
        const ended = await unfinished(server, ctx.apiKey);
        window.measurement.failures.body += ended.count;
        note +=
          (backlog.drainedMs === undefined
            ? `; **not drained after ${DRAIN_LIMIT_MS / 1000} s**`
            : `; backlog drained ${ms(backlog.drainedMs)} after the window`) + ended.text;
      }
      const row = windowRow(spec.id, spec.label, 50, window, { note });
      ctx.add(row);
      rows.push(row);
    }
    for (const [i, { spec }] of members.entries())
      if (spec.memory)
        ctx.add(await memoryRounds(ctx, runs[i]!, spec.memory, sides[i]!.load, sides[i]!.watched));
    return rows;
  } finally {
    for (const run of runs) {
      await run.server.child.stop();
      ctx.settings.progress(
        `${run.server.child.name} log: ${logSummary(run.server.child.output())}`,
      );
    }
  }
}

function others(members: readonly GroupMember[], i: number): string {
  return members
    .filter((_, j) => j !== i)
    .map((member) => member.spec.id)
    .join(", ");
}

/** The gateway's `store_statements_total`: every SQL statement it sent its store so far. */
async function storeStatements(gateway: Server): Promise<number> {
  const response = await fetch(`${gateway.origin}/metrics`);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}: ${text}`);
  return parsePrometheus(text)
    .filter((series) => series.name === "baidu_gateway_store_statements_total")
    .reduce((sum, series) => sum + series.value, 0);
}

/**
 * Three more load rounds at 50 connections on the row's gateway, right after its window; RSS is
 * read before and after each one, the peak (VmHWM) covers the row's warm-up, window and rounds.
 */
async function memoryRounds(
  ctx: DurableContext,
  run: RowServer,
  memory: { id: RowId; label: string },
  load: GraphQLLoad,
  watched: Watched,
): Promise<Row> {
  const pid = run.server.child.pid;
  const rss: number[] = [];
  const liveHeapMb: Array<number | undefined> = [];
  const read = () => {
    rss.push((processUsage(pid)?.rssBytes ?? NaN) / MB);
    liveHeapMb.push(liveHeapAfterLastFullGcMb(run.server.child.stdout()));
  };
  read();
  const { measurement } = await withCpu({ ...watched, gateway: pid }, async () => {
    const rounds: Sample[] = [];
    for (let round = 0; round < 3; round++) {
      rounds.push(await hammer(load, 50, { durationS: ctx.settings.durationS }));
      read();
    }
    return mergeSamples(rounds);
  });
  const peak = processUsage(pid)?.peakRssBytes;
  return {
    id: memory.id,
    label: memory.label,
    connections: 50,
    measurement,
    memory: { rssMb: rss, liveHeapMb, peakMb: peak === undefined ? undefined : peak / MB },
    ...(peak !== undefined && { peakRssMb: peak / MB }),
  };
}

const EMBEDDED: readonly GatewayRowSpec[] = [
  {
    id: "durable-embedded-many",
    label: "durable write, embedded store: WAIT, 1,000 orders",
    mode: "WAIT",
    orders: "many",
    memory: {
      id: "memory-embedded",
      label: "memory: 3 more rounds of that load on its gateway (PGlite in-process)",
    },
  },
  {
    id: "durable-embedded-one",
    label: "durable write, embedded store: WAIT, one order",
    mode: "WAIT",
    orders: "one",
  },
  {
    id: "durable-embedded-many-warn",
    label: "durable write, embedded store: WAIT, 1,000 orders, LOG_LEVEL=warn",
    mode: "WAIT",
    orders: "many",
    logLevel: "warn",
    note: "no target: the first row without its info line per operation, to price logging",
  },
  {
    id: "durable-embedded-queue",
    label: "durable write, embedded store: QUEUE, 1,000 orders",
    mode: "QUEUE",
    orders: "many",
  },
];

const POSTGRES: readonly GatewayRowSpec[] = [
  {
    id: "durable-postgres-many",
    label: "durable write, PostgreSQL: WAIT, 1,000 orders",
    mode: "WAIT",
    orders: "many",
    memory: {
      id: "memory-postgres",
      label: "memory: 3 more rounds of that load on its gateway (PostgreSQL store)",
    },
  },
  {
    id: "durable-postgres-one",
    label: "durable write, PostgreSQL: WAIT, one order",
    mode: "WAIT",
    orders: "one",
  },
];

/**
 * The embedded store's rows, each on a gateway and data directory of its own: the WAIT rows
 * measured in turns (they are compared with each other), then QUEUE on its own.
 */
export async function embeddedRows(ctx: DurableContext, only: (id: RowId) => boolean) {
  const wait = EMBEDDED.filter((spec) => spec.mode === "WAIT" && only(spec.id));
  if (wait.length > 0)
    await gatewayGroup(
      ctx,
      wait.map((spec) => ({ spec, rowStore: embeddedStore(ctx, spec.id) })),
    );
  for (const spec of EMBEDDED.filter((spec) => spec.mode === "QUEUE" && only(spec.id)))
    await gatewayGroup(ctx, [{ spec, rowStore: embeddedStore(ctx, spec.id) }]);
}

/**
 * The PostgreSQL rows, each on a gateway and database of its own, measured in turns; no server:
 * skipped rows.
 */
export async function postgresRows(ctx: DurableContext, only: (id: RowId) => boolean) {
  const members: GroupMember[] = [];
  try {
    for (const spec of POSTGRES.filter((spec) => only(spec.id))) {
      const rowStore = await postgresStore();
      if (typeof rowStore === "string") ctx.add(skippedRow(spec.id, spec.label, rowStore));
      else members.push({ spec, rowStore });
    }
    if (members.length > 0) await gatewayGroup(ctx, members);
  } finally {
    for (const { rowStore } of members) await rowStore.remove();
  }
}

export function skippedRow(id: RowId, label: string, skipped: string): Row {
  return { id, label, connections: 50, measurement: emptyMeasurement(), skipped };
}
