import type { EndpointName } from "../baidu/endpoints";
import type { WireMainOrder, WireOrderItem, WireSubOrderItem, WireSubsOrder } from "../baidu/wire";

/** The user an order was imported for: exactly one of the two is set (spec §1.1). */
export interface OrderUser {
  openId?: string;
  swanId?: string;
}

export interface StoredOrder extends OrderUser {
  bizAppId: string;
  resourceId: string;
  /** The `Data` item as Baidu would hold it after every update so far. */
  record: WireOrderItem;
}

/** One method per endpoint, named after it; `false` is Baidu's `rows_affected: "0"`. */
export type OrderMutations = Record<EndpointName, (item: WireOrderItem, user: OrderUser) => boolean>;

/**
 * Orders keyed by (BizAPPID, ResourceID), with Baidu's rules per endpoint (spec §1.3). Records are
 * replaced, never changed in place, because they share objects with the logged request bodies.
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
    const order: StoredOrder = { bizAppId: item.BizAPPID, resourceId: item.ResourceID, record: item };
    if (openId !== undefined) order.openId = openId;
    if (swanId !== undefined) order.swanId = swanId;
    this.orders.set(keyOf(item.BizAPPID, item.ResourceID), order);
    return true;
  }

  /** E2: replaces the main-order info and Status, and the after-sale info when it is sent. */
  updateMainInfo(item: WireOrderItem): boolean {
    return this.update(item, (record) => {
      const ext = record.EXT ?? {};
      const sent = item.EXT?.MainOrder ?? {};
      // Tracking numbers are E7's to set; an E2 that leaves them out is not taken to delete them [INF].
      const mainOrder: WireMainOrder = sent.Express === undefined && ext.MainOrder?.Express !== undefined ? { ...sent, Express: ext.MainOrder.Express } : sent;
      const SubsOrder = item.EXT?.SubsOrder ?? ext.SubsOrder;
      return { ...record, CateID: item.CateID, Status: item.Status, EXT: { ...ext, MainOrder: mainOrder, ...(SubsOrder && { SubsOrder }) } };
    });
  }

  /** E3 */
  updateMainStatus(item: WireOrderItem): boolean {
    return this.update(item, (record) => ({ ...record, Status: item.Status }));
  }

  /** E4: appends after-sale orders; fails if any SubOrderID is already stored or repeated. */
  appendSubInfo(item: WireOrderItem): boolean {
    return this.update(item, (record) => {
      const sent = subsOf(item);
      const stored = record.EXT?.SubsOrder?.Items ?? [];
      const ids = sent.Items.map((sub) => sub.SubOrderID);
      const known = new Set(stored.map((sub) => sub.SubOrderID));
      if (new Set(ids).size !== ids.length || ids.some((id) => known.has(id))) return undefined;
      return withSubs(record, { Status: sent.Status, Items: [...stored, ...sent.Items] });
    });
  }

  /** E5: every SubOrderID must exist; then the request's after-sale info replaces all of it. */
  updateSubInfo(item: WireOrderItem): boolean {
    return this.update(item, (record) => {
      const sent = subsOf(item);
      return allExist(record, sent.Items) ? withSubs(record, sent) : undefined;
    });
  }

  /** E6: every SubOrderID must exist; sets each SubStatus and the roll-up Status. */
  updateSubStatus(item: WireOrderItem): boolean {
    return this.update(item, (record) => {
      const sent = subsOf(item);
      if (!allExist(record, sent.Items)) return undefined;
      const statuses = new Map(sent.Items.map((sub) => [sub.SubOrderID, sub.SubStatus]));
      const items = (record.EXT?.SubsOrder?.Items ?? []).map((sub) =>
        statuses.has(sub.SubOrderID) ? { ...sub, SubStatus: statuses.get(sub.SubOrderID)! } : sub,
      );
      return withSubs(record, { Status: sent.Status, Items: items });
    });
  }

  /** E7: sets the order's tracking numbers. */
  addMainLogistics(item: WireOrderItem): boolean {
    return this.update(item, (record) => {
      const ext = record.EXT ?? {};
      const Express = item.EXT?.MainOrder?.Express ?? [];
      return { ...record, EXT: { ...ext, MainOrder: { ...ext.MainOrder, Express } } };
    });
  }

  /** Applies `change` to an existing order; `undefined` from it, or no order, means nothing changed. */
  private update(item: WireOrderItem, change: (record: WireOrderItem) => WireOrderItem | undefined): boolean {
    const key = keyOf(item.BizAPPID, item.ResourceID);
    const order = this.orders.get(key);
    const record = order && change(order.record);
    if (!order || !record) return false;
    this.orders.set(key, { ...order, record });
    return true;
  }
}

function keyOf(bizAppId: string, resourceId: string): string {
  return `${bizAppId}\u0000${resourceId}`;
}

/** Validation has already made sure the endpoints that read SubsOrder received one. */
function subsOf(item: WireOrderItem): WireSubsOrder {
  return item.EXT!.SubsOrder!;
}

function allExist(record: WireOrderItem, sent: readonly WireSubOrderItem[]): boolean {
  const known = new Set((record.EXT?.SubsOrder?.Items ?? []).map((sub) => sub.SubOrderID));
  return sent.every((sub) => known.has(sub.SubOrderID));
}

function withSubs(record: WireOrderItem, SubsOrder: WireSubsOrder): WireOrderItem {
  return { ...record, EXT: { ...record.EXT, SubsOrder } };
}
