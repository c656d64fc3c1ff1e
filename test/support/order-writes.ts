import { type EndpointName } from "../../src/baidu/endpoints";
import {
  AppendAfterSaleOrdersTrackedDocument,
  DeliveriesDocument,
  ImportOrderTrackedDocument,
  UpdateAfterSaleOrderStatusTrackedDocument,
  UpdateAfterSaleOrderTrackedDocument,
  UpdateOrderInfoTrackedDocument,
  UpdateOrderLogisticsTrackedDocument,
  UpdateOrderStatusTrackedDocument,
  type DeliveriesQuery,
} from "../generated/graphql";
import * as ex from "./examples";
import type { SpawnedGateway } from "./spawned";

/** Each order's writes, in the order they are sent: each depends on the ones before it at Baidu. */
export const SEQUENCE: EndpointName[] = [
  "addMainInfo",
  "appendSubInfo",
  "updateSubInfo",
  "updateSubStatus",
  "updateMainInfo",
  "addMainLogistics",
  "updateMainStatus",
];

export type Send = (
  gateway: SpawnedGateway,
  resourceId: string,
  key: string,
) => Promise<{ errors?: readonly unknown[] }>;

const queue = { deliveryMode: "QUEUE" as const };
export const SENDERS: Record<EndpointName, Send> = {
  addMainInfo: (g, resourceId, key) =>
    g.send(ImportOrderTrackedDocument, {
      input: {
        ...ex.importOrderInput,
        ...queue,
        idempotencyKey: key,
        order: { ...ex.importOrderInput.order, resourceId },
      },
    }),
  appendSubInfo: (g, resourceId, key) =>
    g.send(AppendAfterSaleOrdersTrackedDocument, {
      input: { ...ex.appendAfterSaleOrdersInput, ...queue, idempotencyKey: key, resourceId },
    }),
  updateSubInfo: (g, resourceId, key) =>
    g.send(UpdateAfterSaleOrderTrackedDocument, {
      input: { ...ex.updateAfterSaleOrderInput, ...queue, idempotencyKey: key, resourceId },
    }),
  updateSubStatus: (g, resourceId, key) =>
    g.send(UpdateAfterSaleOrderStatusTrackedDocument, {
      input: { ...ex.updateAfterSaleOrderStatusInput, ...queue, idempotencyKey: key, resourceId },
    }),
  updateMainInfo: (g, resourceId, key) =>
    g.send(UpdateOrderInfoTrackedDocument, {
      input: {
        ...ex.updateOrderInfoInput,
        ...queue,
        idempotencyKey: key,
        order: { ...ex.updateOrderInfoInput.order, resourceId },
      },
    }),
  addMainLogistics: (g, resourceId, key) =>
    g.send(UpdateOrderLogisticsTrackedDocument, {
      input: { ...ex.updateOrderLogisticsInput, ...queue, idempotencyKey: key, resourceId },
    }),
  updateMainStatus: (g, resourceId, key) =>
    g.send(UpdateOrderStatusTrackedDocument, {
      input: {
        ...ex.updateOrderStatusInput,
        ...queue,
        idempotencyKey: key,
        orders: [{ resourceId, category: "PHYSICAL_GOODS", status: "COMPLETED" }],
      },
    }),
};

export type Node = DeliveriesQuery["deliveries"]["edges"][number]["node"];

/** Every delivery in the ledger, oldest first. */
export async function allDeliveries(gateway: SpawnedGateway): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null | undefined;
  do {
    const { data } = await gateway.send(DeliveriesDocument, { first: 100, after });
    nodes.push(...data!.deliveries.edges.map((edge) => edge.node));
    after = data!.deliveries.pageInfo.hasNextPage ? data!.deliveries.pageInfo.endCursor : undefined;
  } while (after);
  return nodes.reverse();
}
