import type { WireOptions } from "../src/baidu/wire";
import {
  DeliveriesDocument,
  LedgerOrderDocument,
  UpdateOrderLogisticsTrackedDocument,
} from "./generated/graphql";
import { eventually } from "./support/eventually";
import * as ex from "./support/examples";
import { SHOP, startHarness, testClock, type Harness } from "./support/harness";
import { STORE_KINDS } from "./support/store";

const ORDER = "2221554346520";

const shipment = (trackingNumber: string) => ({
  ...ex.updateOrderLogisticsInput.express[0]!,
  trackingNumber,
});

/** The tracking number of each E7 Baidu received, whichever shape carried it. */
const sentNumbers = (h: Harness) =>
  h.emulator.requestsTo("addMainLogistics").map((request) => {
    const express = (request.body as { Data: Array<{ EXT: { MainOrder: { Express: unknown } } }> })
      .Data[0]!.EXT.MainOrder.Express;
    return (Array.isArray(express) ? express : [express]).map((e: { ID: string }) => e.ID);
  });

/**
 * contract §6.13, §6.19: one Express object may add a shipment to the order's rather than replace
 * them, so a run of E7s collapses only where that cannot lose one.
 */
describe.each(STORE_KINDS)("updateOrderLogistics in the ledger, on %s", (store) => {
  // The first store of a file opens in seconds on a busy machine: room beyond jest's 5 s.
  jest.setTimeout(20_000);
  let h: Harness;
  let clock: ReturnType<typeof testClock>;
  const start = async (expressShape: WireOptions["expressShape"]) => {
    clock = testClock();
    h = await startHarness({
      store,
      clock: clock.clock,
      baidu: { wire: { expressShape, detailPageStatus: "integer" } },
      emulator: { expressShape },
    });
    ex.seedExampleOrders(h.emulator, { afterSale: false });
  };
  afterEach(async () => {
    const pending = h.emulator.faults.pending();
    await h.close();
    expect(pending).toEqual([]);
  });

  /** Three E7s queued behind a first attempt that failed: SF1, then SF2 twice. */
  async function queueBehindAnOutage(): Promise<void> {
    const release = clock.hold();
    h.emulator.faults.add({ route: "addMainLogistics", kind: "http", status: 503 });
    const queue = (trackingNumbers: string[]) =>
      h.send(UpdateOrderLogisticsTrackedDocument, {
        input: {
          ...ex.updateOrderLogisticsInput,
          express: trackingNumbers.map(shipment),
          deliveryMode: "QUEUE",
        },
      });
    await queue(["SF1"]);
    await eventually(() => h.emulator.requestsTo("addMainLogistics").length === 1);
    await queue(["SF2"]);
    await queue(["SF2"]);
    release();
  }

  const states = async () => {
    const { body } = await h.send(DeliveriesDocument, { first: 10 });
    return body
      .data!.deliveries.edges.map(({ node }) => [
        node.id,
        node.state,
        node.supersededBy?.id ?? null,
      ])
      .reverse();
  };

  it("collapses one-object writes of the same tracking number only, and shows the last one sent", async () => {
    await start("object");
    await queueBehindAnOutage();
    await eventually(() => h.emulator.requestsTo("addMainLogistics").length === 3);
    expect(sentNumbers(h)).toEqual([["SF1"], ["SF1"], ["SF2"]]);
    await eventually(async () => (await states()).at(-1)![1] === "DELIVERED");
    expect(await states()).toEqual([
      ["1", "DELIVERED", null],
      ["2", "SUPERSEDED", "3"],
      ["3", "DELIVERED", null],
    ]);
    const { body } = await h.send(LedgerOrderDocument, { appKey: SHOP.appKey, resourceId: ORDER });
    expect(body.data?.order?.trackingNumbers).toEqual([
      {
        trackingNumber: "SF2",
        courierName: "顺丰快递",
        courierCode: "SFEXPRESS",
        typeCode: 1,
      },
    ]);
    expect(
      (body.data?.order?.record as { EXT: { MainOrder: { Express: unknown } } }).EXT.MainOrder
        .Express,
    ).toEqual([{ ...ex.logisticsBody.Data[0]!.EXT.MainOrder.Express, ID: "SF2" }]);
  });

  it("collapses array writes into the newest, since an array replaces the order's tracking numbers", async () => {
    await start("array");
    await queueBehindAnOutage();
    await eventually(() => h.emulator.requestsTo("addMainLogistics").length === 2);
    await eventually(async () => (await states()).at(-1)![1] === "DELIVERED");
    expect(sentNumbers(h)).toEqual([["SF1"], ["SF2"]]);
    expect(await states()).toEqual([
      ["1", "SUPERSEDED", "3"],
      ["2", "SUPERSEDED", "3"],
      ["3", "DELIVERED", null],
    ]);
  });
});
