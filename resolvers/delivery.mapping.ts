import type { EndpointName } from "../src/baidu/endpoints";
import { expressList, type WireOrderItem } from "../src/baidu/wire";
import type {
  AttemptRecord,
  DeliveryRecord,
  FailureRecord,
  OrderRecord,
} from "../src/store/records";
import type { AttemptOutcome } from "../schema/delivery.enums";
import type { Delivery, DeliveryAttempt, DeliveryFailure } from "../schema/delivery.type";
import type { Order } from "../schema/ledger-order.type";

/** The mutation that writes to each endpoint. */
export const OPERATION_OF: Record<EndpointName, string> = {
  addMainInfo: "importOrder",
  updateMainInfo: "updateOrderInfo",
  updateMainStatus: "updateOrderStatus",
  appendSubInfo: "appendAfterSaleOrders",
  updateSubInfo: "updateAfterSaleOrder",
  updateSubStatus: "updateAfterSaleOrderStatus",
  addMainLogistics: "updateOrderLogistics",
};

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export function toDeliveryView(record: DeliveryRecord): Delivery {
  const pending = record.state === "PENDING";
  return {
    id: String(record.id),
    state: record.state,
    appKey: record.appKey,
    operation: OPERATION_OF[record.endpoint],
    caller: record.caller,
    idempotencyKey: record.idempotencyKey,
    resourceIds: record.resourceIds,
    wire: { endpoint: record.endpoint, query: record.query, body: record.body },
    acceptedAt: new Date(record.acceptedAt),
    updatedAt: new Date(record.updatedAt),
    finishedAt: date(record.finishedAt),
    nextAttemptAt: pending ? new Date(record.nextAttemptAt) : null,
    deadlineAt: new Date(record.deadlineAt),
    attemptCount: record.attemptCount,
    outcomeUnknown: record.mayHaveExecuted,
    lastError: record.lastError && toFailureView(record.lastError),
    results: record.results,
    supersededById: record.supersededBy,
    retryOfId: record.retryOf,
  };
}

function toFailureView(failure: FailureRecord): DeliveryFailure {
  return {
    verdict: failure.verdict as AttemptOutcome,
    message: failure.message,
    httpStatus: failure.httpStatus ?? null,
    errorCode: failure.errorCode ?? null,
    errno: failure.errno ?? null,
    baiduMessage: failure.baiduMessage ?? null,
    requestId: failure.requestId ?? null,
  };
}

export function toAttemptView(attempt: AttemptRecord): DeliveryAttempt {
  return {
    ...attempt,
    outcome: attempt.outcome as AttemptOutcome,
    startedAt: new Date(attempt.startedAt),
    finishedAt: new Date(attempt.finishedAt),
  };
}

export function toOrderView(order: OrderRecord): Order {
  const record: WireOrderItem | null = order.record;
  const subs = record?.EXT?.SubsOrder;
  return {
    appKey: order.appKey,
    resourceId: order.resourceId,
    categoryCode: record?.CateID ?? null,
    statusCode: record?.Status ?? null,
    title: record?.Title ?? null,
    afterSaleOrders: (subs?.Items ?? []).map((item) => ({
      subOrderId: item.SubOrderID,
      statusCode: item.SubStatus,
      typeCode: item.OrderType ?? null,
    })),
    afterSaleStatusCode: subs?.Status ?? null,
    trackingNumbers: expressList(record?.EXT?.MainOrder?.Express).map((express) => ({
      trackingNumber: express.ID,
      courierName: express.Name,
      courierCode: express.Code,
      typeCode: express.Type,
    })),
    record: record as unknown as Record<string, unknown> | null,
    deliveredAt: date(order.deliveredAt),
  };
}

/** Opaque page cursors: the delivery id, base64url-encoded. */
export function toCursor(id: number): string {
  return Buffer.from(`delivery:${id}`).toString("base64url");
}

export function fromCursor(cursor: string): number | undefined {
  const match = /^delivery:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}
