import type { DeliveryRecord, DeliveryState } from "../store/records";

/**
 * Baidu refused a write for good: its delivery ended FAILED. `formatError` makes it BAIDU_REJECTED.
 */
export class DeliveryRejectedError extends Error {
  readonly name = "DeliveryRejectedError";
  constructor(readonly delivery: DeliveryRecord) {
    super(`Baidu rejected delivery ${delivery.id}`);
  }
}

/** The idempotency key was used before for a different request. */
export class IdempotencyConflictError extends Error {
  readonly name = "IdempotencyConflictError";
  constructor(readonly deliveryId: number) {
    super("This idempotencyKey was already used for a different request to this app");
  }
}

/** retryDelivery or cancelDelivery asked for something the delivery's state does not allow. */
export class DeliveryStateError extends Error {
  readonly name = "DeliveryStateError";
  constructor(
    readonly deliveryId: number,
    readonly state: DeliveryState,
    action: string,
  ) {
    super(`Delivery ${deliveryId} is ${state}: it cannot be ${action}`);
  }
}
