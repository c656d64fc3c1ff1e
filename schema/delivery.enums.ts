import { registerEnumType } from "type-graphql";
import { DELIVERY_STATES } from "../src/store/records";

export const DeliveryState = Object.fromEntries(DELIVERY_STATES.map((state) => [state, state])) as {
  [S in (typeof DELIVERY_STATES)[number]]: S;
};
export type DeliveryState = (typeof DELIVERY_STATES)[number];

registerEnumType(DeliveryState, {
  name: "DeliveryState",
  description:
    "Where a write stands. PENDING and SENDING may still change; every other state is final.",
  valuesConfig: {
    PENDING: {
      description: "Recorded; waiting for its order's earlier writes, or for its next attempt.",
    },
    SENDING: { description: "An attempt is in flight." },
    DELIVERED: {
      description: "Baidu answered errno 0; see `results` for what it applied per order.",
    },
    FAILED: {
      description:
        "Baidu rejected it for good, or transient failures lasted past its deadline; `lastError` says which.",
    },
    OUTCOME_UNKNOWN: {
      description:
        "An append (appendAfterSaleOrders) whose attempt Baidu may have executed: never replayed by the gateway. Check the order in the Baidu App, then retryDelivery if it did not arrive.",
    },
    SUPERSEDED: {
      description:
        "A newer write of the same kind to the same order replaced it before it was sent (coalescing); `supersededBy` carried its content.",
    },
    CANCELLED: { description: "Cancelled by cancelDelivery before it was sent." },
  },
});

export enum DeliveryMode {
  WAIT = "WAIT",
  QUEUE = "QUEUE",
}

registerEnumType(DeliveryMode, {
  name: "DeliveryMode",
  description:
    "When the mutation answers. Either way the write is committed to the ledger first and delivered in order.",
  valuesConfig: {
    WAIT: {
      description:
        "Wait for Baidu, up to the gateway's wait budget, and answer with Baidu's results (or the delivery still pending).",
    },
    QUEUE: {
      description:
        "Answer as soon as the write is committed; read the outcome later with `delivery(id)`.",
    },
  },
});

export enum AttemptOutcome {
  DELIVERED = "DELIVERED",
  REJECTED = "REJECTED",
  UNAVAILABLE = "UNAVAILABLE",
  OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN",
  MISCONFIGURED = "MISCONFIGURED",
}

registerEnumType(AttemptOutcome, {
  name: "AttemptOutcome",
  description: "How one attempt ended: what its failure means for the write.",
  valuesConfig: {
    DELIVERED: { description: "Baidu answered errno 0." },
    REJECTED: { description: "Baidu answered and refused the write; not retried." },
    UNAVAILABLE: {
      description:
        "The write did not reach Baidu's order center (refused connection, QPS or quota refusal, no access token): retried on every endpoint.",
    },
    OUTCOME_UNKNOWN: {
      description:
        "Baidu may have executed it (timeout, reset, 5xx, busy code): retried except for appends.",
    },
    MISCONFIGURED: {
      description:
        "The gateway's own setup is wrong (credentials refused, fresh tokens rejected); retried until the deadline, details in the server log.",
    },
  },
});
