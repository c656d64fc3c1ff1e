import { hammer } from "./load";
import { withCpu, type Measurement } from "./measure";
import { processUsage } from "./processes";
import type { DurableContext } from "./durable";
import { emptyMeasurement, logSummary, writeLoad } from "./durable";
import type { RowId } from "./scenarios";
import { startGateway, type Server } from "./stack";
import { benchServerUrl, createBenchDatabase, redacted } from "./store";

/** Replica counts of the `replicas` rows, each on a fresh database of its own. */
export const REPLICA_COUNTS = [1, 2, 3] as const;

export type ReplicaRowId = `replicas-${(typeof REPLICA_COUNTS)[number]}`;

/** Connections of the load, as the durable PostgreSQL WAIT rows: spread over the replicas round-robin. */
const CONNECTIONS = 50;

/** What a `replicas` row adds to the usual measurement, from the replicas' own /metrics. */
export interface ReplicaFigures {
  replicas: number;
  /** Writes each replica accepted in the window (`writes_accepted_total` deltas), in start order. */
  acceptedPerReplica: number[];
  /** `store_statements_total` deltas summed over the replicas, per completed write: round trips to PostgreSQL. */
  statementsPerWrite: number;
  /** `baidu_attempts_total` deltas summed over the replicas, per completed write. */
  attemptsPerWrite: number;
  /** Attempts in the window whose outcome was not DELIVERED, by outcome. */
  failedAttempts: Record<string, number>;
  /** `baidu_token_requests_total` over the replicas' whole life (warm-up included), summed, by app: 1 each is right. */
  tokenRequests: Record<string, number>;
  /** The replicas' CPU per write from /proc (10 ms ticks), beside /metrics' `process_cpu_seconds_total` (the row's gateway figure). */
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
}

const METRIC = {
  cpu: "baidu_gateway_process_cpu_seconds_total",
  statements: "baidu_gateway_store_statements_total",
  attempts: "baidu_gateway_baidu_attempts_total",
  tokens: "baidu_gateway_baidu_token_requests_total",
  accepted: "baidu_gateway_writes_accepted_total",
} as const;

/**
 * For 1, 2 and 3 replicas: a fresh database on the PostgreSQL server (BENCH_DATABASE_URL), that
 * many gateways on it, the load of the durable PostgreSQL WAIT row on 1,000 orders with its 50
 * connections spread round-robin over the replicas, then the database dropped. On two cores
 * throughput cannot grow with replicas; what the rows show is the cost per write: CPU of the
 * replicas (their own /metrics), of the emulator, of this load generator and of the PostgreSQL
 * server, and PostgreSQL round trips (statements). No server: one skipped row.
 */
export async function replicaRows(ctx: DurableContext): Promise<void> {
  const server = benchServerUrl();
  for (const count of REPLICA_COUNTS) {
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
        // One after the other: the first migrates the fresh database (under its advisory lock anyway).
        for (let i = 1; i <= count; i++)
          gateways.push(await startGateway(`gateway (replica ${i} of ${count})`, ctx.emulator.origin, ctx.apiKey, { databaseUrl: database.url }));
        const { measurement, figures } = await measureReplicas(ctx, gateways);
        const id: RowId = `replicas-${count}`;
        ctx.add({
          id,
          label: `replicas: ${count} gateway${count === 1 ? "" : "s"} on one PostgreSQL, WAIT, 1,000 orders`,
          connections: CONNECTIONS,
          measurement,
          note: `${describe(figures, measurement)}; database ${database.name} on ${redacted(server)}`,
          replicas: figures,
        });
      } finally {
        await Promise.all(gateways.map((gateway) => gateway.child.stop()));
        gateways.forEach((gateway) => ctx.settings.progress(`${gateway.child.name} log: ${logSummary(gateway.child.output())}`));
      }
    } finally {
      await database.drop();
    }
  }
}

async function measureReplicas(ctx: DurableContext, gateways: readonly Server[]): Promise<{ measurement: Measurement; figures: ReplicaFigures }> {
  const load = writeLoad(gateways, ctx.apiKey, "WAIT", "many");
  // The warm-up also fetches the app's token (one replica asks Baidu, the others read it from the store).
  await hammer(load, CONNECTIONS, { durationS: ctx.settings.warmupS });
  const before = await readCounters(gateways);
  // The replicas' CPU comes from their /metrics (below); withCpu charges the emulator, this process and the PostgreSQL server.
  const { sample, measurement } = await withCpu({ emulator: ctx.emulator.child.pid, postgres: true }, () =>
    hammer(load, CONNECTIONS, { durationS: ctx.settings.durationS }),
  );
  const after = await readCounters(gateways);
  const writes = sample.requests;
  const perWrite = (delta: number) => (writes === 0 ? NaN : delta / writes);
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
      acceptedPerReplica: after.accepted.map((total, i) => total - before.accepted[i]!),
      statementsPerWrite: perWrite(after.statements - before.statements),
      attemptsPerWrite: perWrite(attempts),
      failedAttempts,
      tokenRequests: Object.fromEntries(after.tokens),
      procCpuUs: perWrite((after.procCpuMs - before.procCpuMs) * 1000),
    },
  };
}

/** Scrapes every replica at once and sums its per-replica counters (attempts by outcome, tokens by app). */
async function readCounters(gateways: readonly Server[]): Promise<Counters> {
  const scrapes = await Promise.all(gateways.map(scrape));
  const counters: Counters = { cpuS: 0, statements: 0, accepted: [], attempts: new Map(), tokens: new Map(), procCpuMs: 0 };
  const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);
  scrapes.forEach((series, i) => {
    const sum = (name: string) => series.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);
    if (!series.some((s) => s.name === METRIC.cpu)) throw new Error(`${gateways[i]!.child.name}'s /metrics has no ${METRIC.cpu}`);
    counters.cpuS += sum(METRIC.cpu);
    counters.statements += sum(METRIC.statements);
    counters.accepted.push(sum(METRIC.accepted));
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
  if (!response.ok) throw new Error(`${gateway.child.name}: GET /metrics answered ${response.status}: ${text}`);
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

function describe(figures: ReplicaFigures, measurement: Measurement): string {
  const tokens = Object.entries(figures.tokenRequests);
  const tokenText = tokens.length === 0 ? "no token request" : tokens.map(([app, n]) => `${n} token request${n === 1 ? "" : "s"} (${app})`).join(", ");
  const tokensRight = tokens.length > 0 && tokens.every(([, n]) => n === 1);
  const failed = Object.entries(figures.failedAttempts);
  const split = figures.replicas === 1 ? "" : ` (writes per replica: ${figures.acceptedPerReplica.join(" / ")})`;
  return (
    `no target (two cores cannot show scaling); ${figures.statementsPerWrite.toFixed(2)} PostgreSQL round trips (statements) per write${split}; ` +
    `${figures.attemptsPerWrite.toFixed(2)} Baidu attempts per write${failed.length === 0 ? "" : ` (**not delivered: ${failed.map(([o, n]) => `${o} ${n}`).join(", ")}**)`}; ` +
    `${tokensRight ? tokenText : `**${tokenText}**`} over the whole run; ` +
    `replicas' CPU ${Math.round(measurement.cpuUs.gateway ?? NaN)} µs/write from /metrics (/proc: ${Math.round(figures.procCpuUs)})`
  );
}
