import { failureCount } from "./measure";
import { DURABLE_ROWS, type Row, type RowId } from "./scenarios";

/** A row's target as the table shows it, with the numbers it was judged on. */
export interface Verdict {
  target: string;
  pass: boolean;
  /**
   * A row without a target (the durable ledger's, until a later issue sets them): shown, never
   * judged, `--check` ignores it.
   */
  untargeted?: boolean;
}

/** The targets for a 2-core machine; every row must also be free of errors. */
export const TARGETS = {
  gatewayShareOfDirect: 0.5,
  dryRunShareOfTypename: 0.6,
  p50OverDirectMs: 2,
  tokenRequests: 1,
  peakRssMb: 200,
  rssGrowth: 0.1,
} as const;

/** Judges each row, comparing it with the row it is measured against where the target says so. */
export function judge(rows: readonly Row[]): Map<RowId, Verdict> {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const clean = (...ids: RowId[]) =>
    ids.every((id) => byId.has(id) && failureCount(byId.get(id)!.measurement.failures) === 0);
  const verdicts = new Map<RowId, Verdict>();
  for (const row of rows)
    verdicts.set(
      row.id,
      judgeRow(row, (id) => byId.get(id)?.measurement, clean),
    );
  return verdicts;
}

type Lookup = (id: RowId) => Row["measurement"] | undefined;

function judgeRow(row: Row, other: Lookup, clean: (...ids: RowId[]) => boolean): Verdict {
  const m = row.measurement;
  if (DURABLE_ROWS.has(row.id))
    return {
      target: row.skipped ?? row.note ?? "no target yet (set by a later issue)",
      pass: clean(row.id),
      untargeted: true,
    };
  switch (row.id) {
    case "gateway-5": {
      const delta = m.p50Ms - (other("direct-5")?.p50Ms ?? NaN);
      return {
        target: `p50 ≤ direct@5 p50 + ${TARGETS.p50OverDirectMs} ms (Δ ${signed(delta)} ms)`,
        pass: clean(row.id, "direct-5") && delta <= TARGETS.p50OverDirectMs,
      };
    }
    case "gateway-50": {
      const share = m.rps / (other("direct-50")?.rps ?? NaN);
      return {
        target: `≥ ${percent(TARGETS.gatewayShareOfDirect)} of direct@50 req/s (${percent(share)})`,
        pass: clean(row.id, "direct-50") && share >= TARGETS.gatewayShareOfDirect,
      };
    }
    case "dryrun-50": {
      const share = m.rps / (other("typename-50")?.rps ?? NaN);
      return {
        target: `≥ ${percent(TARGETS.dryRunShareOfTypename)} of { __typename } req/s (${percent(share)})`,
        pass: clean(row.id, "typename-50") && share >= TARGETS.dryRunShareOfTypename,
      };
    }
    case "burst": {
      const { tokenRequests, upstreamCalls, allAnsweredMs } = row.burst!;
      const target = `exactly ${TARGETS.tokenRequests} token request (${tokenRequests}); ${m.requests} answered in ${Math.round(allAnsweredMs)} ms, ${upstreamCalls} upstream calls`;
      return {
        target,
        pass:
          clean(row.id) &&
          tokenRequests === TARGETS.tokenRequests &&
          m.requests === row.connections,
      };
    }
    case "memory": {
      const { rssMb, liveHeapMb, peakMb } = row.memory!;
      const growth = rssMb[rssMb.length - 1]! / rssMb[0]! - 1;
      const target =
        `peak RSS < ${TARGETS.peakRssMb} MB (${mb(peakMb)}); RSS growth ≤ ${percent(TARGETS.rssGrowth)} ` +
        `(${rssMb.map((value) => mb(value)).join(" → ")}, ${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)}%); ` +
        `live heap after last full GC: ${liveHeapMb.map((value) => mb(value)).join(" → ")}`;
      return {
        target,
        pass:
          clean(row.id) && (peakMb ?? Infinity) < TARGETS.peakRssMb && growth <= TARGETS.rssGrowth,
      };
    }
    default:
      return { target: "zero errors", pass: clean(row.id) };
  }
}

function signed(ms: number): string {
  return `${ms >= 0 ? "+" : "−"}${Math.abs(ms).toFixed(2)}`;
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)}%` : "n/a";
}

function mb(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? "n/a" : `${Math.round(value)} MB`;
}
