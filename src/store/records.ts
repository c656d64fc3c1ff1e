import type { ItemResult } from "../baidu/decode";
import type { EndpointName } from "../baidu/endpoints";
import type { Verdict } from "../baidu/errors";
import type { WireOrderItem } from "../baidu/wire";

/**
 * A delivery's life: PENDING (waiting for its turn or its next attempt) → SENDING (an attempt in
 * flight, leased to one process) → one final state. Final states never change again.
 */
export const DELIVERY_STATES = [
  "PENDING",
  "SENDING",
  "DELIVERED",
  "FAILED",
  "OUTCOME_UNKNOWN",
  "SUPERSEDED",
  "CANCELLED",
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const FINAL_STATES: ReadonlySet<DeliveryState> = new Set([
  "DELIVERED",
  "FAILED",
  "OUTCOME_UNKNOWN",
  "SUPERSEDED",
  "CANCELLED",
]);

/** How one attempt ended: DELIVERED, or the verdict of its failure. */
export type AttemptOutcome = "DELIVERED" | Verdict;

/** Why an attempt failed, as kept in the ledger (Baidu's texts already redacted). */
export interface FailureRecord {
  verdict: Verdict;
  message: string;
  httpStatus?: number;
  errorCode?: number;
  errno?: number;
  baiduMessage?: string;
  requestId?: string;
}

export interface AttemptRecord {
  deliveryId: number;
  number: number;
  startedAt: number;
  finishedAt: number;
  outcome: AttemptOutcome;
  httpStatus: number | null;
  errorCode: number | null;
  errno: number | null;
  message: string | null;
  requestId: string | null;
}

/** One accepted write and what became of it. Times are milliseconds since the epoch. */
export interface DeliveryRecord {
  id: number;
  appKey: string;
  /** The API key's configured name. */
  caller: string;
  endpoint: EndpointName;
  /** The orders the write touches, in the body's order. */
  resourceIds: string[];
  /** The query string without the access token. */
  query: Array<[string, string]>;
  /** The JSON text, exactly as sent. */
  body: string;
  idempotencyKey: string | null;
  state: DeliveryState;
  acceptedAt: number;
  updatedAt: number;
  nextAttemptAt: number;
  deadlineAt: number;
  finishedAt: number | null;
  attemptCount: number;
  /** Some attempt may have been executed by Baidu without the gateway hearing the answer. */
  mayHaveExecuted: boolean;
  supersededBy: number | null;
  retryOf: number | null;
  lastError: FailureRecord | null;
  results: ItemResult[] | null;
}

/**
 * One order of one app as a map key: app key and resource id, joined by a character neither may
 * hold.
 */
export const orderKey = (appKey: string, resourceId: string): string =>
  `${appKey}\u0000${resourceId}`;

/** What the ledger knows of one order: Baidu's record as the delivered writes left it. */
export interface OrderRecord {
  appKey: string;
  resourceId: string;
  record: WireOrderItem | null;
  deliveredAt: number | null;
  lastDeliveryId: number | null;
}

/** The select list that `toDelivery` reads. */
export const DELIVERY_COLUMNS = `d.id, d.app_key, d.caller, d.endpoint, d.resource_ids, d.query, d.body, d.idempotency_key, d.request_hash, d.state,
  d.accepted_at, d.updated_at, d.next_attempt_at, d.deadline_at, d.finished_at, d.attempt_count, d.may_have_executed,
  d.superseded_by, d.retry_of, d.last_error, d.results`;

export interface DeliveryRow {
  id: number;
  app_key: string;
  caller: string;
  endpoint: EndpointName;
  resource_ids: string[];
  query: Array<[string, string]>;
  body: string;
  idempotency_key: string | null;
  request_hash: string;
  state: DeliveryState;
  accepted_at: Date;
  updated_at: Date;
  next_attempt_at: Date;
  deadline_at: Date;
  finished_at: Date | null;
  attempt_count: number;
  may_have_executed: boolean;
  superseded_by: number | null;
  retry_of: number | null;
  last_error: FailureRecord | null;
  results: ItemResult[] | null;
}

export function toDelivery(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    appKey: row.app_key,
    caller: row.caller,
    endpoint: row.endpoint,
    resourceIds: row.resource_ids,
    query: row.query,
    body: row.body,
    idempotencyKey: row.idempotency_key,
    state: row.state,
    acceptedAt: row.accepted_at.getTime(),
    updatedAt: row.updated_at.getTime(),
    nextAttemptAt: row.next_attempt_at.getTime(),
    deadlineAt: row.deadline_at.getTime(),
    finishedAt: row.finished_at?.getTime() ?? null,
    attemptCount: row.attempt_count,
    mayHaveExecuted: row.may_have_executed,
    supersededBy: row.superseded_by,
    retryOf: row.retry_of,
    lastError: row.last_error,
    results: row.results,
  };
}

/** A timestamp parameter from a clock reading (ISO text: both drivers take it as it is). */
export function at(ms: number): string {
  return new Date(ms).toISOString();
}
