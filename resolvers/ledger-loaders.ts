import DataLoader from "dataloader";
import type { GatewayContext } from "../src/graphql/context";
import { getAttempts, getDeliveriesById, getOrders } from "../src/store/ledger-read";
import {
  orderKey,
  type AttemptRecord,
  type DeliveryRecord,
  type OrderRecord,
} from "../src/store/records";

/**
 * The ledger's loaders for one request: a page of deliveries costs one query per kind of field, not
 * one per row.
 */
export interface LedgerLoaders {
  deliveries: DataLoader<number, DeliveryRecord | undefined>;
  attempts: DataLoader<number, AttemptRecord[]>;
  orders: DataLoader<string, OrderRecord | undefined>;
}

const loaders = new WeakMap<GatewayContext, LedgerLoaders>();

export function ledgerLoaders(context: GatewayContext): LedgerLoaders {
  let made = loaders.get(context);
  if (made) return made;
  const { sql } = context;
  made = {
    deliveries: new DataLoader((ids) => getDeliveriesById(sql, ids)),
    attempts: new DataLoader(async (ids) => {
      const all = await getAttempts(sql, ids);
      return ids.map((id) => all.filter((attempt) => attempt.deliveryId === id));
    }),
    orders: new DataLoader(async (keys) => {
      const wanted = keys.map((key) => {
        const [appKey = "", resourceId = ""] = key.split("\u0000");
        return { appKey, resourceId };
      });
      const byKey = new Map(
        (await getOrders(sql, wanted)).map((order) => [
          orderKey(order.appKey, order.resourceId),
          order,
        ]),
      );
      return keys.map((key) => byKey.get(key));
    }),
  };
  loaders.set(context, made);
  return made;
}

/** A delivery the caller may see: its app is one the caller may act for. */
export async function visibleDelivery(
  context: GatewayContext,
  id: number,
): Promise<DeliveryRecord | undefined> {
  const delivery = await ledgerLoaders(context).deliveries.load(id);
  return delivery && context.caller.mayActFor(delivery.appKey) ? delivery : undefined;
}
