import { hammer, type GraphQLLoad } from "./load";
import {
  mergeSamples,
  sampleFigures,
  withCpu,
  type Measurement,
  type Sample,
  type Watched,
} from "./measure";
import { processUsage, resetPeakRss } from "./processes";
import { createProfiling, type Profiling } from "./profiler";
import type { Row, RowId, Settings } from "./scenarios";
import type { Server } from "./stack";

const MB = 1024 * 1024;

/** A server child (gateway or anchor) started for one row, profiled when the run asks for it. */
export interface RowServer {
  server: Server;
  profiling: Profiling | undefined;
}

/**
 * Starts a server for row `id` with `start`, which receives the Node flags to add (the
 * inspector's, with `--profile-gateway`).
 */
export async function startForRow(
  settings: Settings,
  id: RowId,
  start: (nodeArgs: string[]) => Promise<Server>,
): Promise<RowServer> {
  const profiling = settings.profileDir
    ? await createProfiling(settings.profileDir, id)
    : undefined;
  return { server: await start(profiling?.nodeArgs ?? []), profiling };
}

/** What the measured windows of one server gave: the row's figures and the sample behind them. */
export interface Window {
  measurement: Measurement;
  sample: Sample;
  /** The server's peak RSS from the start of its warm-up to the end of its last window. */
  peakRssMb: number | undefined;
  /** How much `hooks.counter` grew over the windows, per completed request. */
  countedPerRequest: number | undefined;
}

/** What a row does around its windows besides the load. */
export interface WindowHooks {
  /** Between the warm-up and the first window (a QUEUE row drains the warm-up's backlog there). */
  afterWarmup?: () => Promise<unknown>;
  /** Read right before the first window and after the last, outside the CPU accounting. */
  counter?: () => Promise<number>;
}

/** One server measured by `measureInterleaved`. */
export interface Side {
  id: RowId;
  label: string;
  run: RowServer;
  load: GraphQLLoad;
  /** The other processes to charge besides the server itself (emulator, PostgreSQL). */
  watched: Watched;
  hooks?: WindowHooks;
}

/** Rounds of `measureInterleaved` when there are several sides to compare. */
const ROUNDS = 3;

/**
 * Warm-up, then the measured window(s), the server's CPU and that of the processes in `watched`
 * charged to the requests; the peak RSS is reset before the warm-up, so it is the peak under this
 * load. The profiler (if any) covers the measured windows, not the warm-up.
 *
 * Several sides (rows to compare with each other, e.g. one order against 1,000, or an empty
 * ledger against a grown one) are all started and warmed up first, then measured in turns,
 * A B C A B C A B C, each window a third of the duration: whatever else the machine does drifts
 * over all of them alike instead of favouring the row that happened to run in a quiet minute.
 * Only the loaded side works in a window; the others are idle (their background work aside).
 */
export async function measureInterleaved(
  settings: Settings,
  sides: readonly Side[],
  connections: number,
): Promise<Window[]> {
  const rounds = sides.length > 1 ? ROUNDS : 1;
  const resettable = sides.map((side) => resetPeakRss(side.run.server.child.pid));
  for (const side of sides) await hammer(side.load, connections, { durationS: settings.warmupS });
  for (const side of sides) await side.hooks?.afterWarmup?.();
  const before = await Promise.all(sides.map((side) => side.hooks?.counter?.()));
  for (const side of sides) await side.run.profiling?.start();
  const parts: Array<Array<{ sample: Sample; measurement: Measurement }>> = sides.map(() => []);
  for (let round = 0; round < rounds; round++)
    for (const [i, side] of sides.entries())
      parts[i]!.push(
        await withCpu({ ...side.watched, gateway: side.run.server.child.pid }, () =>
          hammer(side.load, connections, { durationS: settings.durationS / rounds }),
        ),
      );
  const windows: Window[] = [];
  for (const [i, side] of sides.entries()) {
    const { sample, measurement } = combine(parts[i]!);
    if (side.run.profiling) {
      const file = await side.run.profiling.stop({
        label: side.label,
        requests: sample.requests,
        seconds: sample.elapsedS,
        processCpuUs: measurement.cpuUs.gateway,
      });
      settings.progress(`profile of ${side.id}: ${file}`);
    }
    const after = await side.hooks?.counter?.();
    const peak = processUsage(side.run.server.child.pid)?.peakRssBytes;
    const countedBefore = before[i];
    windows.push({
      measurement,
      sample,
      peakRssMb: resettable[i] && peak !== undefined ? peak / MB : undefined,
      countedPerRequest:
        countedBefore === undefined || after === undefined || sample.requests === 0
          ? undefined
          : (after - countedBefore) / sample.requests,
    });
  }
  return windows;
}

/** One server alone: `measureInterleaved` with one side (one window). */
export async function measureWindow(
  settings: Settings,
  run: RowServer,
  id: RowId,
  label: string,
  load: GraphQLLoad,
  connections: number,
  watched: Watched,
  hooks: WindowHooks = {},
): Promise<Window> {
  const [window] = await measureInterleaved(
    settings,
    [{ id, label, run, load, watched, hooks }],
    connections,
  );
  return window!;
}

/**
 * Windows of one server as one measurement: requests, time and latencies added up, CPU per
 * request weighted by each window's requests.
 */
function combine(parts: ReadonlyArray<{ sample: Sample; measurement: Measurement }>): {
  sample: Sample;
  measurement: Measurement;
} {
  if (parts.length === 1) return parts[0]!;
  const sample = mergeSamples(parts.map((part) => part.sample));
  const weighted = (pick: (cpu: Measurement["cpuUs"]) => number | undefined) => {
    let total = 0;
    for (const part of parts) {
      const us = pick(part.measurement.cpuUs);
      if (us === undefined) return undefined;
      total += us * part.measurement.requests;
    }
    return sample.requests === 0 ? NaN : total / sample.requests;
  };
  return {
    sample,
    measurement: {
      ...sampleFigures(sample),
      cpuUs: {
        gateway: weighted((cpu) => cpu.gateway),
        gatewaySystem: weighted((cpu) => cpu.gatewaySystem),
        emulator: weighted((cpu) => cpu.emulator),
        client: weighted((cpu) => cpu.client) ?? NaN,
        postgres: weighted((cpu) => cpu.postgres),
      },
    },
  };
}

/** A row from a measured window. */
export function windowRow(
  id: RowId,
  label: string,
  connections: number,
  window: Window,
  extra: Partial<Row> = {},
): Row {
  return {
    id,
    label,
    connections,
    measurement: window.measurement,
    ...(window.peakRssMb !== undefined && { peakRssMb: window.peakRssMb }),
    ...extra,
  };
}
