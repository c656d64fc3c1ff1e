/**
 * RSS alone cannot tell a leak from a heap that V8 has merely sized up to the load: V8 lets old
 * space fill well past the live data before a full GC when memory is plentiful. The live heap
 * after each full GC can, so the measured gateway runs with these flags, which print one line per
 * full GC (and none per scavenge) on its stdout.
 */
export const GC_TRACE_FLAGS = ["--trace-gc", "--trace-gc-ignore-scavenger"];

/**
 * V8's line looks like `Mark-Compact 120.6 (153.2) -> 29.3 (153.0) MB, ...`: heap used (committed)
 * before -> after. The format is V8's, not a stable API, so a mismatch gives undefined, not an
 * error.
 */
const MARK_COMPACT = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g;

/** MB of heap still in use after the most recent full GC in `output`, if there was one. */
export function liveHeapAfterLastFullGcMb(output: string): number | undefined {
  let last: string | undefined;
  for (const match of output.matchAll(MARK_COMPACT)) last = match[1];
  return last === undefined ? undefined : Number(last);
}
