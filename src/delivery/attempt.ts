import { BudgetExhausted } from "../baidu/budget";
import type { BaiduClient, Delivered, SendOptions } from "../baidu/client";
import { completeResults, type ItemResult } from "../baidu/decode";
import { ENDPOINTS } from "../baidu/endpoints";
import { BaiduBusinessError, BaiduError, BaiduGatewayError, BaiduHttpError } from "../baidu/errors";
import { applyWrite } from "../baidu/record";
import { backoffMs, decide } from "../baidu/retry";
import type { WireBody, WireOrderItem } from "../baidu/wire";
import type { Clock } from "../lib/clock";
import { describeError, type Logger } from "../ops/log";
import type { AttemptEnd, ClaimedDelivery } from "../store/ledger-queue";
import type { FailureRecord } from "../store/records";
import type { DeliveryOptions } from "./options";

/**
 * Nothing was sent: the budget had no room before the lease would run out, or the lease was lost.
 */
export interface NotSent {
  retryAt: number;
}

/**
 * The write's lease was lost (it ran out, or it was taken over) before the write left: nothing was
 * sent.
 */
export class LeaseLost extends Error {
  readonly name = "LeaseLost";
  constructor(id: number) {
    super(`The lease on delivery ${id} was lost before it was sent`);
  }
}

/** Makes one attempt of a leased delivery and says how it ended and what comes next. */
export async function attempt(
  delivery: ClaimedDelivery,
  baidu: BaiduClient,
  send: SendOptions,
  options: DeliveryOptions,
  clock: Clock,
  logger: Logger,
): Promise<AttemptEnd | NotSent> {
  const startedAt = clock.now();
  let delivered: Delivered;
  try {
    delivered = await baidu.send(
      {
        endpoint: delivery.endpoint,
        appKey: delivery.appKey,
        query: delivery.query,
        body: delivery.body,
      },
      send,
    );
  } catch (error) {
    if (error instanceof BudgetExhausted) return { retryAt: error.retryAt };
    if (error instanceof LeaseLost) return { retryAt: clock.now() };
    return failed(
      delivery,
      toFailureRecord(error, logger, delivery),
      startedAt,
      options,
      clock,
      logger,
    );
  }
  // Every order of the write has a result, whether or not Baidu's answer named it.
  const results = completeResults(delivered.results, delivery);
  return {
    startedAt,
    finishedAt: clock.now(),
    outcome: "DELIVERED",
    failure: null,
    state: "DELIVERED",
    nextAttemptAt: null,
    mayHaveExecuted: false,
    results,
    records: foldRecords(delivery, results, logger),
    requestId: delivered.requestId ?? null,
  };
}

/**
 * The orders' new records; Baidu has applied the write whatever happens here, so nothing here may
 * fail it.
 */
function foldRecords(
  delivery: ClaimedDelivery,
  results: readonly ItemResult[],
  logger: Logger,
): Record<string, WireOrderItem> {
  const records: Record<string, WireOrderItem> = {};
  try {
    const applied = new Set(
      results.filter((result) => result.applied).map((result) => result.resourceId),
    );
    for (const item of (JSON.parse(delivery.body) as WireBody).Data) {
      if (!applied.has(item.ResourceID)) continue;
      const record = applyWrite(
        delivery.endpoint,
        records[item.ResourceID] ?? delivery.records[item.ResourceID],
        item,
        false,
      );
      if (record) records[item.ResourceID] = record;
    }
  } catch (error) {
    logger.error("Keeping the delivered orders' records failed; the delivery itself succeeded", {
      deliveryId: delivery.id,
      ...describeError(error),
    });
  }
  return records;
}

/** After a failed attempt: the retry policy's decision, within the deadline. */
function failed(
  delivery: ClaimedDelivery,
  failure: FailureRecord,
  startedAt: number,
  options: DeliveryOptions,
  clock: Clock,
  logger: Logger,
): AttemptEnd {
  const finishedAt = clock.now();
  const decision = decide(failure.verdict, ENDPOINTS[delivery.endpoint].replaySafe);
  const base = {
    startedAt,
    finishedAt,
    outcome: failure.verdict,
    failure,
    mayHaveExecuted: failure.verdict === "OUTCOME_UNKNOWN",
    results: null,
    records: {},
    requestId: failure.requestId ?? null,
  };
  if (decision === "retry") {
    const next = finishedAt + backoffMs(delivery.attemptCount + 1, options.retry, clock.random());
    if (next <= delivery.deadlineAt) {
      const log = failure.verdict === "MISCONFIGURED" ? logger.error : logger.warn;
      log("Delivery attempt failed; trying again later", {
        deliveryId: delivery.id,
        endpoint: delivery.endpoint,
        verdict: failure.verdict,
        error: failure.message,
        retryInMs: next - finishedAt,
      });
      return { ...base, state: "PENDING", nextAttemptAt: next };
    }
    logger.error("Delivery failed: its deadline passed", {
      deliveryId: delivery.id,
      endpoint: delivery.endpoint,
      error: failure.message,
    });
    return { ...base, state: "FAILED", nextAttemptAt: null };
  }
  logger.warn(
    decision === "unknown" ? "Delivery outcome unknown; not replayed" : "Baidu rejected a delivery",
    {
      deliveryId: delivery.id,
      endpoint: delivery.endpoint,
      error: failure.message,
    },
  );
  return {
    ...base,
    state: decision === "unknown" ? "OUTCOME_UNKNOWN" : "FAILED",
    nextAttemptAt: null,
  };
}

/**
 * What the ledger keeps of a failure. Anything that is not a Baidu error is our own fault, logged
 * with its stack; a Baidu error is logged without one (`describeError`).
 */
export function toFailureRecord(
  error: unknown,
  logger: Logger,
  delivery: Pick<ClaimedDelivery, "id" | "appKey" | "endpoint">,
): FailureRecord {
  if (!(error instanceof BaiduError)) {
    logger.error("Delivery attempt failed inside the gateway", {
      deliveryId: delivery.id,
      endpoint: delivery.endpoint,
      ...describeError(error),
    });
    return {
      verdict: "MISCONFIGURED",
      message: "The gateway failed to send this write; see its log",
    };
  }
  const record: FailureRecord = { verdict: error.verdict, message: error.message };
  if (error.requestId !== undefined) record.requestId = error.requestId;
  if (error instanceof BaiduHttpError) record.httpStatus = error.status;
  if (error instanceof BaiduGatewayError)
    Object.assign(record, { errorCode: error.errorCode, baiduMessage: error.errorMsg });
  if (error instanceof BaiduBusinessError)
    Object.assign(record, { errno: error.errno, baiduMessage: error.baiduMessage });
  // Credentials problems are ours to mend: the text of OAuth's refusal goes to the log only.
  // The app is named by its configured name, which the client puts on the error.
  if (error.verdict === "MISCONFIGURED") {
    logger.error("Baidu refused the gateway's credentials", {
      app: error.app?.name ?? null,
      appKey: error.app?.appKey ?? delivery.appKey,
      deliveryId: delivery.id,
      endpoint: delivery.endpoint,
      ...describeError(error),
    });
    return {
      verdict: "MISCONFIGURED",
      message: "Baidu refused the gateway's credentials for this app; see the gateway's log",
    };
  }
  return record;
}
