import type { AttemptEnd } from "../../src/store/ledger-queue";

/** An attempt that Baidu answered with success at `now`, as the worker records it. */
export const delivered = (now: number): AttemptEnd => ({
  startedAt: now,
  finishedAt: now,
  outcome: "DELIVERED",
  failure: null,
  state: "DELIVERED",
  nextAttemptAt: null,
  mayHaveExecuted: false,
  results: [],
  records: {},
  requestId: "req-1",
});
