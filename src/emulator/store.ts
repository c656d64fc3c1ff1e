import type { EndpointName } from "../baidu/endpoints";
import { applyWrite } from "../baidu/record";
import type { WireOrderItem, WireOrderRecord } from "../baidu/wire";

/** The user an order was imported for: exactly one of the two is set (contract §1.1). */
export interface OrderUser {
  openId?: string;
  swanId?: string;
}

export interface StoredOrder extends OrderUser {
  bizAppId: string;
  resourceId: string;
  /** The `Data` item as Baidu would hold it after every update so far. */
  record: WireOrderRecord;
}

/** One method per endpoint, named after it; `false` is Baidu's `rows_affected: "0"`. */
export type OrderMutations = Record<
  EndpointName,
  (item: WireOrderItem, user: OrderUser) => boolean
>;

/**
 * Orders keyed by (BizAPPID, ResourceID), changed by Baidu's rules per endpoint (`applyWrite`,
 * strict). Records are replaced, never changed in place, because they share objects with the logged
 * request bodies.
 */
export class OrderStore implements OrderMutations {
  private readonly orders = new Map<string, StoredOrder>();

  get(bizAppId: string, resourceId: string): StoredOrder | undefined {
    const order = this.orders.get(keyOf(bizAppId, resourceId));
    return order && structuredClone(order);
  }

  /** In insertion order of the first import. */
  list(): StoredOrder[] {
    return structuredClone([...this.orders.values()]);
  }

  get size(): number {
    return this.orders.size;
  }

  clear(): void {
    this.orders.clear();
  }

  /** E1: creates the order, or overwrites the whole record including after-sale info. */
  addMainInfo(item: WireOrderItem, user: OrderUser): boolean {
    const { openId, swanId } = user;
    const order: StoredOrder = {
      bizAppId: item.BizAPPID,
      resourceId: item.ResourceID,
      record: applyWrite("addMainInfo", undefined, item, true)!,
    };
    if (openId !== undefined) order.openId = openId;
    if (swanId !== undefined) order.swanId = swanId;
    this.orders.set(keyOf(item.BizAPPID, item.ResourceID), order);
    return true;
  }

  updateMainInfo = (item: WireOrderItem): boolean => this.update("updateMainInfo", item);
  updateMainStatus = (item: WireOrderItem): boolean => this.update("updateMainStatus", item);
  appendSubInfo = (item: WireOrderItem): boolean => this.update("appendSubInfo", item);
  updateSubInfo = (item: WireOrderItem): boolean => this.update("updateSubInfo", item);
  updateSubStatus = (item: WireOrderItem): boolean => this.update("updateSubStatus", item);
  addMainLogistics = (item: WireOrderItem): boolean => this.update("addMainLogistics", item);

  /**
   * Applies Baidu's rule for `endpoint` to an existing order; no order, or a refusal, changes
   * nothing.
   */
  private update(endpoint: Exclude<EndpointName, "addMainInfo">, item: WireOrderItem): boolean {
    const key = keyOf(item.BizAPPID, item.ResourceID);
    const order = this.orders.get(key);
    const record = order && applyWrite(endpoint, order.record, item, true);
    if (!order || !record) return false;
    this.orders.set(key, { ...order, record });
    return true;
  }
}

function keyOf(bizAppId: string, resourceId: string): string {
  return `${bizAppId}\u0000${resourceId}`;
}
