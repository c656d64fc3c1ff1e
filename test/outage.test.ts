import {
  DeliveriesDocument,
  UpdateOrderInfoTrackedDocument,
  type UpdateOrderInfoInput,
} from "./generated/graphql";
import { eventually } from "./support/eventually";
import * as ex from "./support/examples";
import { SHOP, startHarness, testClock, type Harness } from "./support/harness";
import { STORE_KINDS } from "./support/store";

const ORDERS = 100;
const WRITES_PER_ORDER = 10;
const STATUSES = ["AWAITING_SHIPMENT", "AWAITING_RECEIPT"] as const;

/**
 * The i-th write of an order: the last one closes it, so the newest write is told apart at Baidu.
 */
const write = (resourceId: string, i: number): UpdateOrderInfoInput => ({
  ...ex.updateOrderInfoInput,
  deliveryMode: "QUEUE",
  order: {
    ...ex.updateOrderInfoInput.order,
    resourceId,
    status: i === WRITES_PER_ORDER - 1 ? "CLOSED" : STATUSES[i % 2]!,
  },
});

describe.each(STORE_KINDS)("a Baidu outage on %s", (store) => {
  jest.setTimeout(120_000);
  let h: Harness;

  afterEach(() => h.close());

  it("accepts 10 writes per order for 100 orders, then drains them in one Baidu call per order, in order", async () => {
    const clock = testClock();
    h = await startHarness({ store, clock: clock.clock });
    const resourceIds = Array.from({ length: ORDERS }, (_, i) => `outage-${1000 + i}`);
    ex.seedExampleOrders(h.emulator, { afterSale: false, resourceIds });
    // Baidu is down: every order's first write fails once, and its next attempt waits on the held
    // clock.
    const release = clock.hold();
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503, times: ORDERS });
    await Promise.all(
      resourceIds.map(async (resourceId) => {
        for (let i = 0; i < WRITES_PER_ORDER; i++) {
          const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
            input: write(resourceId, i),
          });
          expect(body.data?.updateOrderInfo.delivery?.state).toBe("PENDING");
        }
      }),
    );
    await eventually(() => h.emulator.faults.pending().length === 0);
    expect(h.emulator.requestsTo("updateMainInfo")).toHaveLength(ORDERS);

    // Baidu is back.
    release();
    await eventually(() => h.emulator.requestsTo("updateMainInfo").length === 2 * ORDERS, 60_000);
    const deliveries = await eventually(async () => {
      const edges = [];
      let after: string | null | undefined;
      do {
        const { body } = await h.send(DeliveriesDocument, { first: 100, after });
        edges.push(...body.data!.deliveries.edges);
        after = body.data!.deliveries.pageInfo.hasNextPage
          ? body.data!.deliveries.pageInfo.endCursor
          : undefined;
      } while (after);
      return (
        edges.every(({ node }) => node.state === "DELIVERED" || node.state === "SUPERSEDED") &&
        edges
      );
    });
    expect(deliveries).toHaveLength(ORDERS * WRITES_PER_ORDER);
    expect(deliveries.filter(({ node }) => node.state === "DELIVERED")).toHaveLength(ORDERS);
    // One call per order after the outage, carrying that order's newest write; nothing else
    // arrived.
    const drained = h.emulator.requestsTo("updateMainInfo").slice(ORDERS);
    const lastStatus = new Map(
      drained.map((r) => [
        (r.body as typeof ex.updateOrderInfoBody).Data[0]!.ResourceID,
        (r.body as typeof ex.updateOrderInfoBody).Data[0]!.Status,
      ]),
    );
    expect(lastStatus.size).toBe(ORDERS);
    expect([...lastStatus.values()].every((status) => status === 100)).toBe(true);
    for (const resourceId of resourceIds)
      expect(h.emulator.store.get(SHOP.appKey, resourceId)!.record.Status).toBe(100);
  });
});
