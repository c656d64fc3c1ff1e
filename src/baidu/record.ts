import type { EndpointName } from "./endpoints";
import {
  expressList,
  type WireMainOrder,
  type WireOrderItem,
  type WireOrderRecord,
  type WireSubOrderItem,
  type WireSubsOrder,
} from "./wire";

/**
 * What each endpoint does to the record Baidu holds for one order (the overwrite semantics of
 * contract §1.3). Shared by the emulator, which keeps Baidu's records (`strict`: undefined where
 * Baidu refuses the item, i.e. `rows_affected` 0), and the ledger, which folds what Baidu applied
 * into what it last sent (not strict: never refuses, and an order it never saw imported starts
 * empty). Records are replaced, never changed in place.
 */
export function applyWrite(
  endpoint: EndpointName,
  record: WireOrderItem | undefined,
  item: WireOrderItem,
  strict: boolean,
): WireOrderRecord | undefined {
  if (endpoint === "addMainInfo") return asRecord(item);
  if (!record && strict) return undefined;
  const changed = CHANGES[endpoint](
    record ?? { CateID: item.CateID, BizAPPID: item.BizAPPID, ResourceID: item.ResourceID },
    item,
    strict,
  );
  return changed && asRecord(changed);
}

/** A record keeps its tracking numbers as an array, whichever shape E7 sent them in. */
function asRecord(item: WireOrderItem): WireOrderRecord {
  const main = item.EXT?.MainOrder;
  if (main?.Express === undefined || Array.isArray(main.Express)) return item as WireOrderRecord;
  return {
    ...item,
    EXT: { ...item.EXT, MainOrder: { ...main, Express: expressList(main.Express) } },
  };
}

/**
 * Two writes of one endpoint to one order may be coalesced (the newer alone leaves the record the
 * two would) only when their keys are equal. E2 keeps the after-sale info and the tracking numbers
 * it leaves out, so an E2 with them and one without are not interchangeable. An E7 carrying one
 * `Express` object may add that shipment to the order's rather than replace them (contract
 * §6.13, §6.19), so only E7s of the same tracking number collapse; an array of them replaces. An E5
 * applies only if every after-sale order it names exists, then replaces them all: one naming other
 * after-sale orders than the write before it may be refused after that one and not alone, so only
 * E5s naming the same after-sale orders collapse.
 */
export function coalescingKey(endpoint: string, body: string): string {
  if (endpoint === "updateSubInfo") {
    const subs = (JSON.parse(body) as { Data: WireOrderItem[] }).Data[0]?.EXT?.SubsOrder?.Items;
    return (subs ?? [])
      .map((sub) => sub.SubOrderID)
      .sort()
      .join("\n");
  }
  if (endpoint !== "updateMainInfo" && endpoint !== "addMainLogistics") return "";
  const item = (JSON.parse(body) as { Data: WireOrderItem[] }).Data[0];
  const express = item?.EXT?.MainOrder?.Express;
  if (endpoint === "addMainLogistics")
    return express === undefined || Array.isArray(express) ? "" : `shipment:${express.ID}`;
  return `${item?.EXT?.SubsOrder !== undefined}/${express !== undefined}`;
}

type Change = (
  record: WireOrderItem,
  item: WireOrderItem,
  strict: boolean,
) => WireOrderItem | undefined;

const CHANGES: Record<Exclude<EndpointName, "addMainInfo">, Change> = {
  /** E2: replaces the main-order info and Status, and the after-sale info when it is sent. */
  updateMainInfo: (record, item) => {
    const ext = record.EXT ?? {};
    const sent = item.EXT?.MainOrder ?? {};
    // Tracking numbers are E7's to set; an E2 that leaves them out is not taken to delete them
    // [INF].
    const mainOrder: WireMainOrder =
      sent.Express === undefined && ext.MainOrder?.Express !== undefined
        ? { ...sent, Express: ext.MainOrder.Express }
        : sent;
    const SubsOrder = item.EXT?.SubsOrder ?? ext.SubsOrder;
    return {
      ...record,
      CateID: item.CateID,
      Status: item.Status,
      EXT: { ...ext, MainOrder: mainOrder, ...(SubsOrder && { SubsOrder }) },
    };
  },
  /** E3 */
  updateMainStatus: (record, item) => ({ ...record, Status: item.Status }),
  /**
   * E4: appends after-sale orders; Baidu refuses if any SubOrderID is already stored or repeated.
   */
  appendSubInfo: (record, item, strict) => {
    const sent = subsOf(item);
    const ids = new Set(sent.Items.map((sub) => sub.SubOrderID));
    const stored = record.EXT?.SubsOrder?.Items ?? [];
    if (strict && (ids.size !== sent.Items.length || stored.some((sub) => ids.has(sub.SubOrderID))))
      return undefined;
    return withSubs(record, {
      Status: sent.Status,
      Items: [...stored.filter((sub) => !ids.has(sub.SubOrderID)), ...sent.Items],
    });
  },
  /** E5: every SubOrderID must exist; then the request's after-sale info replaces all of it. */
  updateSubInfo: (record, item, strict) => {
    const sent = subsOf(item);
    return strict && !allExist(record, sent.Items) ? undefined : withSubs(record, sent);
  },
  /** E6: every SubOrderID must exist; sets each SubStatus and the roll-up Status. */
  updateSubStatus: (record, item, strict) => {
    const sent = subsOf(item);
    if (strict && !allExist(record, sent.Items)) return undefined;
    const statuses = new Map(sent.Items.map((sub) => [sub.SubOrderID, sub.SubStatus]));
    const stored = record.EXT?.SubsOrder?.Items ?? [];
    const known = new Set(stored.map((sub) => sub.SubOrderID));
    const items = [
      ...stored.map((sub) =>
        statuses.has(sub.SubOrderID) ? { ...sub, SubStatus: statuses.get(sub.SubOrderID)! } : sub,
      ),
      ...sent.Items.filter((sub) => !known.has(sub.SubOrderID)).map((sub) => ({
        SubOrderID: sub.SubOrderID,
        SubStatus: sub.SubStatus,
      })),
    ];
    return withSubs(record, { Status: sent.Status, Items: items });
  },
  /** E7: sets the order's tracking numbers (one object: that one shipment; contract §6.19). */
  addMainLogistics: (record, item) => {
    const ext = record.EXT ?? {};
    const Express = expressList(item.EXT?.MainOrder?.Express);
    return { ...record, EXT: { ...ext, MainOrder: { ...ext.MainOrder, Express } } };
  },
};

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
