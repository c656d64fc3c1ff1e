import type { Verdict } from "./errors";

/** Backoff between the attempts of one delivery. */
export interface RetryOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * After a failed attempt: try again later, end FAILED, or end OUTCOME_UNKNOWN for a person to
 * decide.
 */
export type Decision = "retry" | "fail" | "unknown";

/**
 * The retry policy, read from the attempt's verdict. Only what Baidu cannot have executed is sent
 * again on an append endpoint (E4); on the overwrite endpoints a replay is harmless. A
 * misconfiguration is retried too, so that the writes survive until the configuration is mended.
 */
export function decide(verdict: Verdict, replaySafe: boolean): Decision {
  switch (verdict) {
    case "REJECTED":
      return "fail";
    case "UNAVAILABLE":
    case "MISCONFIGURED":
      return "retry";
    case "OUTCOME_UNKNOWN":
      return replaySafe ? "retry" : "unknown";
  }
}

/**
 * Capped exponential backoff with full jitter;
 * `attempt` is the number of the failed attempt (1, 2, …).
 */
export function backoffMs(attempt: number, options: RetryOptions, random: number): number {
  const ceiling = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** Math.min(attempt - 1, 30),
  );
  return Math.floor(random * ceiling);
}
