import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import type { Harness } from "./harness";

/**
 * Helpers for the tests of the ledger and its delivery worker, seen over GraphQL. The documents are
 * built here (test/operations is not ours to extend): a write's payload with its `delivery`, and
 * the `delivery(id)` query.
 */

/** The mutations and their input types. */
export const INPUT_TYPES = {
  importOrder: "ImportOrderInput",
  updateOrderInfo: "UpdateOrderInfoInput",
  updateOrderStatus: "UpdateOrderStatusInput",
  appendAfterSaleOrders: "AppendAfterSaleOrdersInput",
  updateAfterSaleOrder: "UpdateAfterSaleOrderInput",
  updateAfterSaleOrderStatus: "UpdateAfterSaleOrderStatusInput",
  updateOrderLogistics: "UpdateOrderLogisticsInput",
} as const;
export type WriteField = keyof typeof INPUT_TYPES;

/** What the tests read of a delivery. */
export const DELIVERY_FIELDS = `id state attemptCount outcomeUnknown
  lastError { verdict message httpStatus errorCode errno baiduMessage requestId }
  attempts { number outcome httpStatus errorCode errno message }`;

type AnyDocument<V> = TypedDocumentNode<any, V>;

const documents = new Map<WriteField, AnyDocument<{ input: unknown }>>();

/**
 * The mutation `field` with its payload and its delivery; `print()` puts the field on line 2,
 * column 3.
 */
export function trackedWrite(field: WriteField): AnyDocument<{ input: unknown }> {
  let document = documents.get(field);
  if (!document) {
    document = parse(`mutation Tracked($input: ${INPUT_TYPES[field]}!) {
      ${field}(input: $input) {
        dryRun allApplied
        results { resourceId appKey categoryCode rowsAffected applied }
        request { method }
        delivery { ${DELIVERY_FIELDS} }
      }
    }`) as AnyDocument<{ input: unknown }>;
    documents.set(field, document);
  }
  return document;
}

export const DeliveryQuery: AnyDocument<{ id: string }> = parse(
  `query Delivery($id: ID!) { delivery(id: $id) { ${DELIVERY_FIELDS} } }`,
) as AnyDocument<{
  id: string;
}>;

export interface Failure {
  verdict: "REJECTED" | "UNAVAILABLE" | "OUTCOME_UNKNOWN" | "MISCONFIGURED";
  message: string;
  httpStatus?: number;
  errorCode?: number;
  errno?: number;
  baiduMessage?: string;
}

/** A delivery's `lastError` as GraphQL shows it. */
export function lastError(failure: Failure) {
  return {
    verdict: failure.verdict,
    message: failure.message,
    httpStatus: failure.httpStatus ?? null,
    errorCode: failure.errorCode ?? null,
    errno: failure.errno ?? null,
    baiduMessage: failure.baiduMessage ?? null,
    requestId: null,
  };
}

/** One entry of a delivery's `attempts`: DELIVERED, or the failure it met. */
export function attempt(number: number, failure: Failure | "DELIVERED") {
  if (failure === "DELIVERED")
    return {
      number,
      outcome: "DELIVERED",
      httpStatus: null,
      errorCode: null,
      errno: null,
      message: null,
    };
  return {
    number,
    outcome: failure.verdict,
    httpStatus: failure.httpStatus ?? null,
    errorCode: failure.errorCode ?? null,
    errno: failure.errno ?? null,
    message: failure.message,
  };
}

/** The attempts of a delivery: each failure in turn, then DELIVERED if `delivered`. */
export function attempts(failures: readonly Failure[], delivered: boolean) {
  const list = failures.map((failure, i) => attempt(i + 1, failure));
  return delivered ? [...list, attempt(failures.length + 1, "DELIVERED")] : list;
}

/** What the ledger keeps of the credentials problems: the details are in the log only. */
export const MISCONFIGURED: Failure = {
  verdict: "MISCONFIGURED",
  message: "Baidu refused the gateway's credentials for this app; see the gateway's log",
};

/** Baidu's 503 on the write: it may have run. */
export const HTTP_503: Failure = {
  verdict: "OUTCOME_UNKNOWN",
  message: "Baidu answered HTTP 503",
  httpStatus: 503,
};

/** Baidu's QPS refusal: it did not run. */
export const QPS: Failure = {
  verdict: "UNAVAILABLE",
  message: "Baidu gateway error_code 18: Open api qps request limit reached",
  errorCode: 18,
  baiduMessage: "Open api qps request limit reached",
};

/** The "trying again later" lines the worker logged, in order. */
export function retryLines(h: Harness): Array<{
  level: string;
  deliveryId: number;
  endpoint: string;
  verdict: string;
  error: string;
  retryInMs: number;
}> {
  return h.logs
    .map((line) => JSON.parse(line))
    .filter((line) => line.msg === "Delivery attempt failed; trying again later")
    .map(({ level, deliveryId, endpoint, verdict, error, retryInMs }) => ({
      level,
      deliveryId,
      endpoint,
      verdict,
      error,
      retryInMs,
    }));
}

/** Lets the event loop run until `condition` holds; no timers. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 100_000; turn += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition never held");
}

const FINAL = new Set(["DELIVERED", "FAILED", "OUTCOME_UNKNOWN", "SUPERSEDED", "CANCELLED"]);

/** Reads delivery `id` until it is in a final state, and returns it. */
export async function settled(h: Harness, id: string): Promise<Record<string, unknown>> {
  let delivery: Record<string, unknown> | undefined;
  await until(async () => {
    delivery = (await h.send(DeliveryQuery, { id })).body.data?.delivery;
    return FINAL.has(String(delivery?.state));
  });
  return delivery!;
}

/** A delivery's state and the per-order results the ledger kept from Baidu's answer. */
export const DeliveryResultsQuery: AnyDocument<{ id: string }> = parse(
  `query DeliveryResults($id: ID!) { delivery(id: $id) { state results { resourceId appKey categoryCode rowsAffected applied } } }`,
) as AnyDocument<{ id: string }>;

export const repeat = <T>(value: T, times: number): T[] =>
  Array.from({ length: times }, () => value);

/**
 * The payload of a write whose delivery ended FAILED after `count` attempts that all failed alike:
 * no GraphQL error.
 */
export function failedPayload(field: WriteField, failure: Failure, count: number) {
  return {
    data: {
      [field]: {
        dryRun: false,
        allApplied: false,
        results: [],
        request: null,
        delivery: {
          id: "1",
          state: "FAILED",
          attemptCount: count,
          outcomeUnknown: failure.verdict === "OUTCOME_UNKNOWN",
          lastError: lastError(failure),
          attempts: attempts(repeat(failure, count), false),
        },
      },
    },
  };
}

/** The same for credentials Baidu refused: the details are masked. */
export const misconfiguredPayload = (field: WriteField, count: number) =>
  failedPayload(field, MISCONFIGURED, count);
