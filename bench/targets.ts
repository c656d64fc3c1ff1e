import { failureCount, type Measurement } from "./measure";
import { UNTARGETED_ROWS, type Row, type RowId } from "./scenarios";

/** A row's target as the table shows it, with the numbers it was judged on. */
export interface Verdict {
  target: string;
  pass: boolean;
  /** A row without a target: shown, never judged (beyond its errors), `--check` ignores it. */
  untargeted?: boolean;
}

/**
 * Issue 9's targets, each a ratio to a row of the same run: the anchor (the hand-written Apollo
 * Server 5 + RESTDataSource server), the many-orders row, or the empty-ledger row. Every row must
 * also be free of errors.
 */
export const TARGETS = {
  /** The gateway's process CPU per write, as a share of the anchor's at most. */
  cpuShareOfAnchor: 0.67,
  /** The gateway's req/s as a multiple of the anchor's at least (what that CPU share buys). */
  throughputOverAnchor: 1.5,
  /** One order's req/s as a share of 1,000 orders' at least ("within 20 %"). */
  oneOrderShareOfMany: 0.8,
  /** CPU per write on a ledger of a million deliveries over an empty one's, at most. */
  growthCpu: 0.1,
  peakRssMb: 150,
  tokenRequests: 1,
} as const;

/** The row each targeted write row is compared with, besides the anchor. */
const AGAINST: Partial<Record<RowId, RowId>> = {
  "durable-embedded-one": "durable-embedded-many",
  "durable-postgres-one": "durable-postgres-many",
  "growth-embedded": "growth-embedded-reference",
  "growth-postgres": "growth-postgres-reference",
};

/** Judges each row, against the anchor and the other rows of the same run. */
export function judge(rows: readonly Row[]): Map<RowId, Verdict> {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const clean = (...ids: RowId[]) =>
    ids.every((id) => {
      const row = byId.get(id);
      return row !== undefined && !row.skipped && failureCount(row.measurement.failures) === 0;
    });
  const verdicts = new Map<RowId, Verdict>();
  for (const row of rows) verdicts.set(row.id, judgeRow(row, byId, clean));
  return verdicts;
}

function judgeRow(
  row: Row,
  byId: ReadonlyMap<RowId, Row>,
  clean: (...ids: RowId[]) => boolean,
): Verdict {
  const m = row.measurement;
  // No server to measure on is not a failure of the gateway: shown, not judged.
  if (row.skipped) return { target: row.skipped, pass: true, untargeted: true };
  if (UNTARGETED_ROWS.has(row.id))
    return { target: row.note ?? "no target", pass: clean(row.id), untargeted: true };
  const anchor = byId.get("anchor-50")?.measurement;
  const against = AGAINST[row.id];
  const other = against && byId.get(against)?.measurement;
  switch (row.id) {
    case "durable-embedded-many":
    case "durable-postgres-many": {
      const cpu = ratio(m.cpuUs.gateway, anchor?.cpuUs.gateway);
      const rps = ratio(m.rps, anchor?.rps);
      const p99 = m.p99Ms <= (anchor?.p99Ms ?? NaN);
      return {
        target:
          `gateway CPU/req ≤ ${TARGETS.cpuShareOfAnchor}× the anchor's (${times(cpu)}: ${us(m.cpuUs.gateway)} vs ${us(anchor?.cpuUs.gateway)} µs); ` +
          `req/s ≥ ${TARGETS.throughputOverAnchor}× (${times(rps)}); ` +
          `p99 ≤ the anchor's (${m.p99Ms.toFixed(1)} vs ${(anchor?.p99Ms ?? NaN).toFixed(1)} ms)` +
          (m.cpuUs.postgres === undefined
            ? ""
            : `; PostgreSQL server beside it: ${us(m.cpuUs.postgres)} µs/req`),
        pass:
          clean(row.id, "anchor-50") &&
          cpu <= TARGETS.cpuShareOfAnchor &&
          rps >= TARGETS.throughputOverAnchor &&
          p99,
      };
    }
    case "durable-embedded-one":
    case "durable-postgres-one": {
      const share = ratio(m.rps, other?.rps);
      return {
        target: `req/s within 20 % of the 1,000-orders row's (≥ ${percent(TARGETS.oneOrderShareOfMany)}: ${percent(share)})`,
        pass: clean(row.id, against!) && share >= TARGETS.oneOrderShareOfMany,
      };
    }
    case "growth-embedded":
    case "growth-postgres": {
      const total = (x: Measurement | undefined) =>
        (x?.cpuUs.gateway ?? NaN) + (x?.cpuUs.postgres ?? 0);
      const growth = ratio(total(m), total(other)) - 1;
      const parts =
        m.cpuUs.postgres === undefined
          ? ""
          : ` (gateway ${signedPercent(ratio(m.cpuUs.gateway, other?.cpuUs.gateway) - 1)}, PostgreSQL server ${signedPercent(ratio(m.cpuUs.postgres, other?.cpuUs.postgres) - 1)})`;
      return {
        target:
          `CPU/write ≤ ${percent(TARGETS.growthCpu)} more than on the 10,000-delivery ledger (${against}): ` +
          `${us(total(m))} vs ${us(total(other))} µs${m.cpuUs.postgres === undefined ? "" : " gateway + PostgreSQL"}, ${signedPercent(growth)}${parts}` +
          (row.note ? `; ${row.note}` : ""),
        pass: clean(row.id, against!) && growth <= TARGETS.growthCpu,
      };
    }
    case "memory-embedded":
    case "memory-postgres": {
      const { rssMb, liveHeapMb, peakMb } = row.memory!;
      const growth = rssMb[rssMb.length - 1]! / rssMb[0]! - 1;
      return {
        target:
          `peak RSS ≤ ${TARGETS.peakRssMb} MB under the 50-connection load (${mb(peakMb)}); ` +
          `RSS ${rssMb.map((value) => mb(value)).join(" → ")} (${signedPercent(growth)}); ` +
          `live heap after the last full GC: ${liveHeapMb.map((value) => mb(value)).join(" → ")}`,
        pass: clean(row.id) && (peakMb ?? Infinity) <= TARGETS.peakRssMb,
      };
    }
    case "burst": {
      const { tokenRequests, upstreamCalls, allAnsweredMs } = row.burst!;
      return {
        target: `exactly ${TARGETS.tokenRequests} token request (${tokenRequests}); ${m.requests} answered in ${Math.round(allAnsweredMs)} ms, ${upstreamCalls} update/sub/info calls`,
        pass:
          clean(row.id) &&
          tokenRequests === TARGETS.tokenRequests &&
          m.requests === row.connections,
      };
    }
    default:
      return { target: "zero errors", pass: clean(row.id) };
  }
}

/** `a / b`, NaN when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined ? NaN : a / b;
}

export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "n/a";
}

function us(value: number | undefined): string {
  return value === undefined || Number.isNaN(value)
    ? "n/a"
    : Math.round(value).toLocaleString("en-US");
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)} %` : "n/a";
}

function signedPercent(share: number): string {
  if (!Number.isFinite(share)) return "n/a";
  return `${share >= 0 ? "+" : "−"}${Math.abs(share * 100).toFixed(1)} %`;
}

function mb(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? "n/a" : `${Math.round(value)} MB`;
}
