import type { RetryOptions } from "../baidu/retry";

/** How the delivery worker and the waiting mutations behave; see "Delivery" in README.md. */
export interface DeliveryOptions {
  /**
   * How long a mutation in WAIT mode waits for Baidu before answering with its pending delivery.
   */
  waitMs: number;
  /** How long transient failures are retried after acceptance before the delivery ends FAILED. */
  deadlineMs: number;
  /**
   * How long an attempt may hold a delivery before another process (or this one after a restart)
   * takes it over.
   */
  leaseMs: number;
  /** Attempts in flight at once, per process. */
  concurrency: number;
  /** How often the worker looks for work that another process queued or left behind. */
  pollMs: number;
  /** Finished deliveries are removed this long after they finished. */
  retentionMs: number;
  /** Backoff between the attempts of one delivery. */
  retry: RetryOptions;
}
