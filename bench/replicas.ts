import { hammer } from "./load";
import { withCpu, type Measurement } from "./measure";
import { processUsage } from "./processes";
import type { DurableContext } from "./durable";
import { drain, emptyMeasurement, logSummary, ms, writeLoad } from "./durable";
import { startGateway, type Server } from "./stack";
import { benchServerUrl, createBenchDatabase, redacted } from "./store";

/** Replica counts of the `replicas` rows, each on a fresh database of its own. */
export const REPLICA_COUNTS = [1, 2, 3] as const;

/**
 * The QPS budget of the `replicas-3-budget` row (BAIDU_CALLS_PER_SECOND): the highest the config
 * accepts, far above what the load reaches, so it never makes a call wait; what the row adds to
 * `replicas-3` is the budget's cost (its statements per Baidu call).
 */
export const NEVER_LIMITING_BUDGET = 100_000;

export type ReplicaRowId = `replicas-${(typeof REPLICA_COUNTS)[number]}` | "replicas-3-budget";

export const REPLICA_ROW_IDS: readonly ReplicaRowId[] = [
  ...REPLICA_COUNTS.map((count): ReplicaRowId => `replicas-${count}`),
  "replicas-3-budget",
];

/**
 * The rows in order: 1, 2 and 3 replicas without a budget, then 3 again with one that never limits.
 */
const VARIANTS: ReadonlyArray<{ id: ReplicaRowId; count: number; callsPerSecond?: number }> = [
  ...REPLICA_COUNTS.map((count) => ({ id: `replicas-${count}` as const, count })),
  { id: "replicas-3-budget", count: 3, callsPerSecond: NEVER_LIMITING_BUDGET },
];

/**
 * Connections of the load, as the durable PostgreSQL WAIT rows: spread over the replicas
 * round-robin.
 */
const CONNECTIONS = 50;

/** What a `replicas` row adds to the usual measurement, from the replicas' own /metrics. */
export interface ReplicaFigures {
  replicas: number;
  /** Writes the replicas accepted in the window: what the per-write figures divide by. */
  writes: number;
  /**
   * How long after the window the last delivery it started took to end; undefined: not within
   * DRAIN_LIMIT_MS.
   */
  drainedMs: number | undefined;
  /**
   * Writes each replica accepted in the window (`writes_accepted_total` deltas), in start order.
   */
  acceptedPerReplica: number[];
  /**
   * `store_statements_total` deltas summed over the replicas, per completed write: round trips to
   * PostgreSQL.
   */
  statementsPerWrite: number;
  /** `baidu_attempts_total` deltas summed over the replicas, per completed write. */
  attemptsPerWrite: number;
  /**
   * `waiter_notices_total` deltas summed, per write: a waiting mutation told by another replica
   * that its write moved on (it then reads the delivery: one more statement). Undefined if the
   * gateway has no such counter.
   */
  noticesPerWrite: number | undefined;
  /** Attempts in the window whose outcome was not DELIVERED, by outcome. */
  failedAttempts: Record<string, number>;
  /**
   * `baidu_token_requests_total` over the replicas' whole life (warm-up included), summed, by app:
   * 1 each is right.
   */
  tokenRequests: Record<string, number>;
  /**
   * The replicas' CPU per write from /proc (10 ms ticks), beside /metrics'
   * `process_cpu_seconds_total` (the row's gateway figure).
   */
  procCpuUs: number;
}

/** One series of a Prometheus text exposition. */
interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The counters a row reads, summed over every replica at one moment. */
interface Counters {
  cpuS: number;
  statements: number;
  accepted: number[];
  attempts: Map<string, number>;
  tokens: Map<string, number>;
  procCpuMs: number;
  /** Undefined when a replica's /metrics has no such counter. */
  notices: number | undefined;
}

const METRIC = {
  cpu: "baidu_gateway_process_cpu_seconds_total",
  statements: "baidu_gateway_store_statements_total",
  attempts: "baidu_gateway_baidu_attempts_total",
  tokens: "baidu_gateway_baidu_token_requests_total",
  accepted: "baidu_gateway_writes_accepted_total",
  notices: "baidu_gateway_waiter_notices_total",
} as const;

/**
 * For 1, 2 and 3 replicas, then 3 again with a QPS budget that never limits: a fresh database on
 * the PostgreSQL server (BENCH_DATABASE_URL), that many gateways on it, the load of the durable
 * PostgreSQL WAIT row on 1,000 orders with its 50 connections spread round-robin over the
 * replicas, then the database dropped. On two cores throughput cannot grow with replicas; what
 * the rows show is the cost per write: CPU of the replicas (their own /metrics), of the emulator,
 * of this load generator and of the PostgreSQL server, and PostgreSQL round trips (statements).
 * No server: one skipped row.
 */
export async function replicaRows(ctx: DurableContext): Promise<void> {
  const server = benchServerUrl();
  const measuredRows = new Map<
    ReplicaRowId,
    { measurement: Measurement; figures: ReplicaFigures }
  >();
  for (const { id, count, callsPerSecond } of VARIANTS) {
    const database = await createBenchDatabase(server);
    if ("unreachable" in database) {
      ctx.add({
        id: "replicas-1",
        label: "replicas on one PostgreSQL",
        connections: CONNECTIONS,
        measurement: emptyMeasurement(),
        skipped: `skipped: no PostgreSQL at ${redacted(server)} (${database.unreachable})`,
      });
      return;
    }
    try {
      const gateways: Server[] = [];
      try {
        // One after the other: the first migrates the fresh database (under its advisory lock
        // anyway).
        for (let i = 1; i <= count; i++)
          gateways.push(
            await startGateway(
              `gateway (replica ${i} of ${count})`,
              ctx.emulator.origin,
              ctx.apiKey,
              {
                databaseUrl: database.url,
                ...(callsPerSecond !== undefined && { callsPerSecond }),
              },
            ),
          );
        const { measurement, figures } = await measureReplicas(ctx, gateways);
        measuredRows.set(id, { measurement, figures });
        const budget =
          callsPerSecond === undefined
            ? ""
            : `, QPS budget ${callsPerSecond.toLocaleString("en-US")}/s (never limits)`;
        const against =
          callsPerSecond === undefined
            ? undefined
            : measuredRows.get(`replicas-${count}` as ReplicaRowId);
        ctx.add({
          id,
          label: `replicas: ${count} gateway${count === 1 ? "" : "s"} on one PostgreSQL, WAIT, 1,000 orders${budget}`,
          connections: CONNECTIONS,
          measurement,
          note:
            `${describe(figures, measurement)}` +
            (against ? `; ${budgetCost(figures, measurement, against, `replicas-${count}`)}` : "") +
            `; database ${database.name} on ${redacted(server)}`,
          replicas: figures,
        });
      } finally {
        await Promise.all(gateways.map((gateway) => gateway.child.stop()));
        gateways.forEach((gateway) =>
          ctx.settings.progress(`${gateway.child.name} log: ${logSummary(gateway.child.output())}`),
        );
      }
    } finally {
      await database.drop();
    }
  }
}

/** How long the deliveries left in flight by a load may take to end before the row says so. */
const DRAIN_LIMIT_MS = 30_000;

/**
 * Warm-up, then the measured window. Per-write figures are over the writes the replicas accepted
 * between two scrapes, each taken once nothing is PENDING or SENDING: autocannon drops the requests
 * in flight when its time is up, and their writes, accepted and delivered all the same, are in the
 * counters. So the deliveries the window started are all ended (and charged) by the second scrape.
 */
async function measureReplicas(
  ctx: DurableContext,
  gateways: readonly Server[],
): Promise<{ measurement: Measurement; figures: ReplicaFigures }> {
  const load = writeLoad(gateways, ctx.apiKey, "WAIT", "many");
  const settle = () => drain(gateways[0]!, ctx.apiKey, DRAIN_LIMIT_MS);
  // The warm-up also fetches the app's token (one replica asks Baidu, the others read it from the
  // store).
  await hammer(load, CONNECTIONS, { durationS: ctx.settings.warmupS });
  await settle();
  const before = await readCounters(gateways);
  let drainedMs: number | undefined;
  // The replicas' CPU comes from their /metrics (below); withCpu charges the emulator, this process
  // and the PostgreSQL server.
  const { sample, measurement } = await withCpu(
    { emulator: ctx.emulator.child.pid, postgres: true },
    async () => {
      const window = await hammer(load, CONNECTIONS, { durationS: ctx.settings.durationS });
      drainedMs = (await settle()).drainedMs;
      return window;
    },
  );
  const after = await readCounters(gateways);
  const acceptedPerReplica = after.accepted.map((total, i) => total - before.accepted[i]!);
  const writes = acceptedPerReplica.reduce((sum, n) => sum + n, 0);
  const perWrite = (delta: number) => (writes === 0 ? NaN : delta / writes);
  // withCpu divides by the requests completed in the window; these figures are per accepted write.
  const rescale = (us: number | undefined) =>
    us === undefined || writes === 0 ? us : (us * sample.requests) / writes;
  measurement.cpuUs.emulator = rescale(measurement.cpuUs.emulator);
  measurement.cpuUs.client = rescale(measurement.cpuUs.client) ?? NaN;
  measurement.cpuUs.postgres = rescale(measurement.cpuUs.postgres);
  measurement.cpuUs.gateway = perWrite((after.cpuS - before.cpuS) * 1e6);
  const failedAttempts: Record<string, number> = {};
  let attempts = 0;
  for (const [outcome, total] of after.attempts) {
    const delta = total - (before.attempts.get(outcome) ?? 0);
    attempts += delta;
    if (outcome !== "DELIVERED" && delta > 0) failedAttempts[outcome] = delta;
  }
  return {
    measurement,
    figures: {
      replicas: gateways.length,
      writes,
      acceptedPerReplica,
      drainedMs,
      statementsPerWrite: perWrite(after.statements - before.statements),
      attemptsPerWrite: perWrite(attempts),
      noticesPerWrite:
        after.notices === undefined || before.notices === undefined
          ? undefined
          : perWrite(after.notices - before.notices),
      failedAttempts,
      tokenRequests: Object.fromEntries(after.tokens),
      procCpuUs: perWrite((after.procCpuMs - before.procCpuMs) * 1000),
    },
  };
}

/**
 * Scrapes every replica at once and sums its per-replica counters (attempts by outcome, tokens by
 * app).
 */
async function readCounters(gateways: readonly Server[]): Promise<Counters> {
  const scrapes = await Promise.all(gateways.map(scrape));
  const counters: Counters = {
    cpuS: 0,
    statements: 0,
    accepted: [],
    attempts: new Map(),
    tokens: new Map(),
    procCpuMs: 0,
    notices: 0,
  };
  const add = (map: Map<string, number>, key: string, value: number) =>
    map.set(key, (map.get(key) ?? 0) + value);
  scrapes.forEach((series, i) => {
    const sum = (name: string) =>
      series.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);
    if (!series.some((s) => s.name === METRIC.cpu))
      throw new Error(`${gateways[i]!.child.name}'s /metrics has no ${METRIC.cpu}`);
    counters.cpuS += sum(METRIC.cpu);
    counters.statements += sum(METRIC.statements);
    counters.accepted.push(sum(METRIC.accepted));
    if (counters.notices !== undefined)
      counters.notices = series.some((s) => s.name === METRIC.notices)
        ? counters.notices + sum(METRIC.notices)
        : undefined;
    for (const s of series) {
      if (s.name === METRIC.attempts) add(counters.attempts, s.labels.outcome ?? "?", s.value);
      if (s.name === METRIC.tokens) add(counters.tokens, s.labels.app ?? "?", s.value);
    }
    counters.procCpuMs += processUsage(gateways[i]!.child.pid)?.cpuMs ?? NaN;
  });
  return counters;
}

async function scrape(gateway: Server): Promise<Series[]> {
  const response = await fetch(`${gateway.origin}/metrics`);
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${gateway.child.name}: GET /metrics answered ${response.status}: ${text}`);
  return parsePrometheus(text);
}

/** The samples of a Prometheus text exposition (comments skipped; label values unescaped). */
export function parsePrometheus(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[name!] = value!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    series.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return series;
}

/**
 * What the budget added per write, against the same row without one (run just before it, so the
 * difference is also noise).
 */
function budgetCost(
  figures: ReplicaFigures,
  measurement: Measurement,
  against: { measurement: Measurement; figures: ReplicaFigures },
  id: string,
): string {
  const delta = (a: number | undefined, b: number | undefined, digits = 0) => {
    const d = (a ?? NaN) - (b ?? NaN);
    return `${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(digits)}`;
  };
  return (
    `budget's cost per write against ${id}: ${delta(figures.statementsPerWrite, against.figures.statementsPerWrite, 2)} statements, ` +
    `replicas' CPU ${delta(measurement.cpuUs.gateway, against.measurement.cpuUs.gateway)} µs, ` +
    `PostgreSQL server CPU ${delta(measurement.cpuUs.postgres, against.measurement.cpuUs.postgres)} µs`
  );
}

function describe(figures: ReplicaFigures, measurement: Measurement): string {
  const tokens = Object.entries(figures.tokenRequests);
  const tokenText =
    tokens.length === 0
      ? "no token request"
      : tokens.map(([app, n]) => `${n} token request${n === 1 ? "" : "s"} (${app})`).join(", ");
  const tokensRight = tokens.length > 0 && tokens.every(([, n]) => n === 1);
  const failed = Object.entries(figures.failedAttempts);
  const split =
    figures.replicas === 1 ? "" : ` (${figures.acceptedPerReplica.join(" / ")} per replica)`;
  const drained =
    figures.drainedMs === undefined
      ? `**not drained ${DRAIN_LIMIT_MS / 1000} s after the window**`
      : `all ended ${ms(figures.drainedMs)} after it`;
  return (
    `no target (two cores cannot show scaling); ${figures.writes} writes accepted in the window${split}, ${drained}; ` +
    `${figures.statementsPerWrite.toFixed(2)} PostgreSQL round trips (statements) per write; ` +
    (figures.noticesPerWrite === undefined
      ? ""
      : `${figures.noticesPerWrite.toFixed(2)} waiter notices from another replica per write; `) +
    `${figures.attemptsPerWrite.toFixed(2)} Baidu attempts per write${failed.length === 0 ? "" : ` (**not delivered: ${failed.map(([o, n]) => `${o} ${n}`).join(", ")}**)`}; ` +
    `${tokensRight ? tokenText : `**${tokenText}**`} over the whole run; ` +
    `replicas' CPU ${Math.round(measurement.cpuUs.gateway ?? NaN)} µs/write from /metrics (/proc: ${Math.round(figures.procCpuUs)})`
  );
}
