import { processUsage } from "./processes";
import { postgresCpuMs } from "./store";

/** Why requests failed. Any of them makes a scenario fail, however fast it was. */
export interface Failures {
  /** HTTP status outside 2xx. */
  non2xx: number;
  /** A 2xx body that reports an error: GraphQL `errors`, or a Baidu `errno` other than 0. */
  body: number;
  /** Connection errors and timeouts. */
  network: number;
}

/** What one load run saw, before CPU accounting. */
export interface Sample {
  /** Completed requests, failed ones included. */
  requests: number;
  elapsedS: number;
  /** Milliseconds per completed request, sub-millisecond precision. */
  latenciesMs: number[];
  failures: Failures;
}

export interface Measurement {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  failures: Failures;
  /** CPU microseconds per completed request, per process; undefined where not measured. */
  cpuUs: {
    gateway?: number | undefined;
    /** The kernel (system) part of `gateway`. */
    gatewaySystem?: number | undefined;
    emulator?: number | undefined;
    client: number;
    postgres?: number | undefined;
  };
}

export function noFailures(): Failures {
  return { non2xx: 0, body: 0, network: 0 };
}

export function failureCount(failures: Failures): number {
  return failures.non2xx + failures.body + failures.network;
}

/** Joins consecutive samples (the memory rounds) into one. */
export function mergeSamples(samples: readonly Sample[]): Sample {
  return {
    requests: samples.reduce((sum, s) => sum + s.requests, 0),
    elapsedS: samples.reduce((sum, s) => sum + s.elapsedS, 0),
    latenciesMs: samples.flatMap((s) => s.latenciesMs),
    failures: {
      non2xx: samples.reduce((sum, s) => sum + s.failures.non2xx, 0),
      body: samples.reduce((sum, s) => sum + s.failures.body, 0),
      network: samples.reduce((sum, s) => sum + s.failures.network, 0),
    },
  };
}

/** What a sample shows by itself: requests, their rate, latency percentiles, failures. */
export function sampleFigures(
  sample: Sample,
): Pick<Measurement, "requests" | "rps" | "p50Ms" | "p99Ms" | "failures"> {
  const sorted = [...sample.latenciesMs].sort((a, b) => a - b);
  return {
    requests: sample.requests,
    rps: sample.requests / sample.elapsedS,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    failures: sample.failures,
  };
}

/** Nearest-rank percentile; exact, since every latency is kept (a few hundred thousand at most). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface Watched {
  gateway?: number | undefined;
  emulator?: number | undefined;
  /** Also charge the PostgreSQL server's processes (every process named `postgres`). */
  postgres?: boolean;
}

/**
 * Runs `work` and charges the CPU time the watched processes (by pid) and this process spent
 * meanwhile to the requests it completed.
 */
export async function withCpu(
  pids: Watched,
  work: () => Promise<Sample>,
): Promise<{ sample: Sample; measurement: Measurement }> {
  const postgres = () => (pids.postgres ? postgresCpuMs() : undefined);
  const before = {
    gateway: cpuOf(pids.gateway),
    gatewaySystem: systemOf(pids.gateway),
    emulator: cpuOf(pids.emulator),
    postgres: postgres(),
    client: process.cpuUsage(),
  };
  const sample = await work();
  const perRequestUs = (start: number | undefined, end: number | undefined) =>
    start === undefined || end === undefined || sample.requests === 0
      ? undefined
      : ((end - start) * 1000) / sample.requests;
  const client = process.cpuUsage(before.client);
  return {
    sample,
    measurement: {
      ...sampleFigures(sample),
      cpuUs: {
        gateway: perRequestUs(before.gateway, cpuOf(pids.gateway)),
        gatewaySystem: perRequestUs(before.gatewaySystem, systemOf(pids.gateway)),
        emulator: perRequestUs(before.emulator, cpuOf(pids.emulator)),
        client: sample.requests === 0 ? NaN : (client.user + client.system) / sample.requests,
        postgres: perRequestUs(before.postgres, postgres()),
      },
    },
  };
}

function cpuOf(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : processUsage(pid)?.cpuMs;
}

function systemOf(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : processUsage(pid)?.systemMs;
}
