import { BaiduNetworkError, isLoadRejected, isTokenRejected, isTransient } from "./errors";

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type Decision = "refresh-token" | "retry" | "fail";

interface Situation {
  /** The endpoint overwrites whole records, so a replay cannot do harm. */
  replaySafe: boolean;
  /** This call already refetched its token once. */
  tokenRefreshed: boolean;
}

/**
 * The retry policy, first match wins. Only failures that Baidu cannot have executed are retried on
 * an append endpoint (E4); everything transient is retried on the overwrite endpoints.
 */
const POLICY: ReadonlyArray<{ when: (error: unknown) => boolean; then: (s: Situation) => Decision }> = [
  // 110/111: refetch the token and replay once; a second rejection is a configuration fault.
  { when: isTokenRejected, then: (s) => (s.tokenRefreshed ? "fail" : "refresh-token") },
  // Refused connection: the request never reached Baidu.
  { when: (e) => e instanceof BaiduNetworkError && e.refused, then: () => "retry" },
  // QPS or quota rejection: Baidu refused before executing.
  { when: isLoadRejected, then: () => "retry" },
  // Timeouts, resets, 5xx, busy codes: the outcome is unknown.
  { when: isTransient, then: (s) => (s.replaySafe ? "retry" : "fail") },
];

export function decide(error: unknown, situation: Situation): Decision {
  const rule = POLICY.find((r) => r.when(error));
  return rule ? rule.then(situation) : "fail";
}

/** Capped exponential backoff with full jitter; `attempt` is the number of the failed attempt (1, 2, …). */
export function backoffMs(attempt: number, options: RetryOptions, random: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random * ceiling);
}

/** The longest a call can take: every attempt timing out and every backoff at its cap. */
export function worstCaseMs(options: RetryOptions, timeoutMs: number): number {
  return options.maxAttempts * timeoutMs + (options.maxAttempts - 1) * options.maxDelayMs;
}
