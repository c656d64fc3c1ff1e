import { ENDPOINTS } from "../src/baidu/endpoints";
import {
  AppendAfterSaleOrdersTrackedDocument,
  CancelDeliveryDocument,
  DeliveriesDocument,
  DeliveryDocument,
  ImportOrderTrackedDocument,
  LedgerOrderDocument,
  RetryDeliveryDocument,
  UpdateAfterSaleOrderTrackedDocument,
  UpdateOrderInfoTrackedDocument,
  type UpdateOrderInfoInput,
} from "./generated/graphql";
import { eventually } from "./support/eventually";
import * as ex from "./support/examples";
import { OTHER, SHOP, SHOP_KEY, startHarness, testClock, type Harness } from "./support/harness";
import { STORE_KINDS } from "./support/store";
import { countStatements, type CountingSql } from "../src/store/sql";

const ORDER = "2221554346520";

/** updateOrderInfo with a status of its own, so each write's body is told apart at Baidu. */
const infoWith = (
  status: UpdateOrderInfoInput["order"]["status"],
  extra: Partial<UpdateOrderInfoInput> = {},
): UpdateOrderInfoInput => ({
  ...ex.updateOrderInfoInput,
  ...extra,
  order: { ...ex.updateOrderInfoInput.order, status },
});

describe.each(STORE_KINDS)("the ledger on %s", (store) => {
  let h: Harness;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock();
    h = await startHarness({ store, clock: clock.clock });
    ex.seedExampleOrders(h.emulator, { afterSale: false });
  });

  afterEach(async () => {
    const pending = h.emulator.faults.pending();
    await h.close();
    expect(pending).toEqual([]);
  });

  it("records a write with its exact request before answering with Baidu's results", async () => {
    const { body } = await h.send(ImportOrderTrackedDocument, {
      input: { ...ex.importOrderInput, idempotencyKey: "import-1" },
    });
    expect(body.errors).toBeUndefined();
    const delivery = body.data!.importOrder.delivery!;
    expect(delivery).toEqual({
      id: "1",
      state: "DELIVERED",
      appKey: SHOP.appKey,
      operation: "importOrder",
      caller: "admin",
      idempotencyKey: "import-1",
      resourceIds: [ORDER],
      attemptCount: 1,
      outcomeUnknown: false,
      finishedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
      lastError: null,
      attempts: [
        {
          number: 1,
          outcome: "DELIVERED",
          httpStatus: null,
          errorCode: null,
          errno: null,
          message: null,
          requestId: null,
        },
      ],
      supersededBy: null,
      retryOf: null,
      request: {
        method: "POST",
        path: ENDPOINTS.addMainInfo.path,
        query: Object.entries(ex.exampleQuery).map(([name, value]) => ({ name, value })),
        body: ex.importOrderBody,
      },
      results: [{ resourceId: ORDER, applied: true, rowsAffected: 1 }],
    });
    expect(body.data!.importOrder.allApplied).toBe(true);
    // What the ledger says it sent is what Baidu received, byte for byte.
    const [sent] = h.emulator.requestsTo("addMainInfo");
    expect(sent!.body).toEqual(delivery.request.body);
    const [row] = await h.sql.query<{ body: string; query: unknown }>(
      "select body, query from deliveries",
    );
    expect(row!.body).toBe(JSON.stringify(sent!.body));
    expect(JSON.stringify(row)).not.toContain("access_token");
  });

  it("answers a QUEUE write right after the commit, and delivers it in the background", async () => {
    const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...ex.updateOrderInfoInput, deliveryMode: "QUEUE" },
    });
    expect(body.data!.updateOrderInfo).toMatchObject({
      allApplied: false,
      results: [],
      delivery: { id: "1", state: "PENDING", attemptCount: 0 },
    });
    const delivered = await eventually(async () => {
      const { body: read } = await h.send(DeliveryDocument, { id: "1" });
      return read.data?.delivery?.state === "DELIVERED" && read.data.delivery;
    });
    expect(delivered.results).toEqual([{ resourceId: ORDER, applied: true, rowsAffected: 1 }]);
    expect(h.emulator.requestsTo("updateMainInfo").map((r) => r.body)).toEqual([
      ex.updateOrderInfoBody,
    ]);
  });

  it("returns the same delivery for the same idempotency key and input, and writes once", async () => {
    const input = {
      ...ex.updateOrderInfoInput,
      idempotencyKey: "6b1f0c1e-2a51-4c50-9d0e-3f1d2c7a9b10",
    };
    const first = await h.send(UpdateOrderInfoTrackedDocument, { input });
    const again = await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...input, deliveryMode: "QUEUE" },
    });
    expect(again.body.data!.updateOrderInfo.delivery!.id).toBe(
      first.body.data!.updateOrderInfo.delivery!.id,
    );
    expect(again.body.data!.updateOrderInfo.delivery!.state).toBe("DELIVERED");
    expect(h.emulator.requestsTo("updateMainInfo")).toHaveLength(1);
  });

  it("refuses an idempotency key reused with a different input, naming the earlier delivery", async () => {
    const input = { ...ex.updateOrderInfoInput, idempotencyKey: "order-2221554346520-v1" };
    await h.send(UpdateOrderInfoTrackedDocument, { input });
    const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: infoWith("CLOSED", { idempotencyKey: input.idempotencyKey }),
    });
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: "This idempotencyKey was already used for a different request to this app",
          locations: [{ line: 2, column: 3 }],
          path: ["updateOrderInfo"],
          extensions: { code: "IDEMPOTENCY_KEY_REUSED", deliveryId: "1" },
        },
      ],
    });
    expect(h.emulator.requestsTo("updateMainInfo")).toHaveLength(1);
  });

  it("refuses an idempotency key that is not 1 to 255 printable characters, naming the field", async () => {
    const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...ex.updateOrderInfoInput, idempotencyKey: "has space" },
    });
    expect(body.errors?.[0]?.extensions).toEqual({
      code: "BAD_USER_INPUT",
      violations: [
        {
          path: "input.idempotencyKey",
          message: "must be 1 to 255 printable ASCII characters without spaces",
        },
      ],
    });
    expect(h.emulator.requests).toEqual([]);
  });

  it("answers with the pending delivery, not an error, when Baidu is down past the wait budget", async () => {
    await h.close();
    h = await startHarness({ store, clock: clock.clock, delivery: { waitMs: 200 } });
    ex.seedExampleOrders(h.emulator, { afterSale: false });
    const release = clock.hold();
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503 });
    const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: ex.updateOrderInfoInput,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!.updateOrderInfo).toMatchObject({
      allApplied: false,
      results: [],
      delivery: {
        state: "PENDING",
        attemptCount: 1,
        lastError: {
          verdict: "OUTCOME_UNKNOWN",
          message: "Baidu answered HTTP 503",
          httpStatus: 503,
        },
        outcomeUnknown: true,
      },
    });
    release();
    await eventually(
      async () =>
        (await h.send(DeliveryDocument, { id: "1" })).body.data?.delivery?.state === "DELIVERED",
    );
    expect(h.emulator.requestsTo("updateMainInfo")).toHaveLength(2);
  });

  it("reports Baidu's permanent rejection as BAIDU_REJECTED with the delivery id, and ends the delivery FAILED", async () => {
    h.emulator.faults.add({
      route: "updateMainInfo",
      kind: "errno",
      errno: 40001,
      msg: "param error",
    });
    const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: ex.updateOrderInfoInput,
    });
    expect(body.errors?.[0]).toMatchObject({
      message: "Baidu rejected the request: errno 40001: param error",
      extensions: {
        code: "BAIDU_REJECTED",
        deliveryId: "1",
        errno: 40001,
        baiduMessage: "param error",
      },
    });
    const { body: read } = await h.send(DeliveryDocument, { id: "1" });
    expect(read.data!.delivery).toMatchObject({
      state: "FAILED",
      attemptCount: 1,
      lastError: { verdict: "REJECTED", errno: 40001 },
    });
  });

  it("keeps Baidu's request_id with the attempt and on the rejection", async () => {
    const body = {
      error_code: 6,
      error_msg: "No permission to access data",
      request_id: "3215698432",
    };
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 200, body });
    const { body: answer } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: ex.updateOrderInfoInput,
    });
    expect(answer.errors?.[0]?.extensions).toEqual({
      code: "BAIDU_REJECTED",
      deliveryId: "1",
      errorCode: 6,
      baiduMessage: "No permission to access data",
      requestId: "3215698432",
    });
    const { body: read } = await h.send(DeliveryDocument, { id: "1" });
    expect(read.data!.delivery!.attempts).toEqual([
      {
        number: 1,
        outcome: "REJECTED",
        httpStatus: null,
        errorCode: 6,
        errno: null,
        message: "Baidu gateway error_code 6: No permission to access data",
        requestId: "3215698432",
      },
    ]);
  });

  it("delivers the writes of one order in acceptance order across endpoints, one at a time", async () => {
    const release = clock.hold();
    h.emulator.faults.add({ route: "addMainInfo", kind: "http", status: 503 });
    await h.send(ImportOrderTrackedDocument, {
      input: { ...ex.importOrderInput, deliveryMode: "QUEUE" },
    });
    await eventually(() => h.emulator.requestsTo("addMainInfo").length === 1);
    const queued = [
      () =>
        h.send(AppendAfterSaleOrdersTrackedDocument, {
          input: { ...ex.appendAfterSaleOrdersInput, deliveryMode: "QUEUE" },
        }),
      () =>
        h.send(UpdateOrderInfoTrackedDocument, {
          input: { ...infoWith("CLOSED"), deliveryMode: "QUEUE" },
        }),
    ];
    for (const send of queued) await send();
    // Nothing behind the failed import has gone out while it waits for its next attempt.
    expect(
      h.emulator.requests.filter((r) => !r.path.startsWith("/oauth")).map((r) => r.path),
    ).toEqual([ENDPOINTS.addMainInfo.path]);
    release();
    await eventually(() => h.emulator.requestsTo("updateMainInfo").length === 1);
    expect(
      h.emulator.requests.filter((r) => !r.path.startsWith("/oauth")).map((r) => r.path),
    ).toEqual([
      ENDPOINTS.addMainInfo.path,
      ENDPOINTS.addMainInfo.path,
      ENDPOINTS.appendSubInfo.path,
      ENDPOINTS.updateMainInfo.path,
    ]);
  });

  it("coalesces consecutive pending overwrites of one order into the newest, but never an append", async () => {
    const release = clock.hold();
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503 });
    const queue = (input: UpdateOrderInfoInput) =>
      h.send(UpdateOrderInfoTrackedDocument, { input: { ...input, deliveryMode: "QUEUE" } });
    await queue(infoWith("AWAITING_SHIPMENT"));
    await eventually(() => h.emulator.requestsTo("updateMainInfo").length === 1);
    await queue(infoWith("AWAITING_RECEIPT"));
    await queue(infoWith("COMPLETED"));
    await h.send(AppendAfterSaleOrdersTrackedDocument, {
      input: { ...ex.appendAfterSaleOrdersInput, deliveryMode: "QUEUE" },
    });
    await queue(infoWith("CLOSED"));
    await queue(infoWith("COMPLETED"));
    release();
    await eventually(() => h.emulator.requestsTo("updateMainInfo").length === 3);
    const statuses = h.emulator
      .requestsTo("updateMainInfo")
      .map((r) => (r.body as typeof ex.updateOrderInfoBody).Data[0]!.Status);
    expect(statuses).toEqual([5, 200, 200]);
    expect(h.emulator.requestsTo("appendSubInfo")).toHaveLength(1);
    const { body } = await h.send(DeliveriesDocument, { first: 10 });
    const states = body
      .data!.deliveries.edges.map(({ node }) => [
        node.id,
        node.operation,
        node.state,
        node.supersededBy?.id ?? null,
      ])
      .reverse();
    expect(states).toEqual([
      ["1", "updateOrderInfo", "SUPERSEDED", "3"],
      ["2", "updateOrderInfo", "SUPERSEDED", "3"],
      ["3", "updateOrderInfo", "DELIVERED", null],
      ["4", "appendAfterSaleOrders", "DELIVERED", null],
      ["5", "updateOrderInfo", "SUPERSEDED", "6"],
      ["6", "updateOrderInfo", "DELIVERED", null],
    ]);
  });

  it("does not coalesce an updateOrderInfo with tracking numbers into a newer one without them, which would keep the old ones", async () => {
    const release = clock.hold();
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503 });
    const queue = (input: UpdateOrderInfoInput) =>
      h.send(UpdateOrderInfoTrackedDocument, { input: { ...input, deliveryMode: "QUEUE" } });
    await queue(infoWith("AWAITING_SHIPMENT"));
    await eventually(() => h.emulator.requestsTo("updateMainInfo").length === 1);
    const express = ex.updateOrderLogisticsInput.express;
    await queue({
      ...infoWith("AWAITING_RECEIPT"),
      order: { ...infoWith("AWAITING_RECEIPT").order, express },
    });
    await queue(infoWith("COMPLETED"));
    release();
    await eventually(() => h.emulator.requestsTo("updateMainInfo").length === 4);
    const sent = h.emulator
      .requestsTo("updateMainInfo")
      .map((r) => (r.body as typeof ex.updateOrderInfoBody).Data[0]!.Status);
    expect(sent).toEqual([5, 5, 6, 200]);
    expect(
      h.emulator.store.get(SHOP.appKey, ORDER)!.record.EXT?.MainOrder?.Express?.map((e) => e.ID),
    ).toEqual(["SF1234567890"]);
  });

  it("coalesces updateAfterSaleOrder writes only when they name the same after-sale orders", async () => {
    // Baidu holds after-sale orders s1, s2 and s3; E5 applies only if those it names all exist.
    const [order] = ex.importOrderBody.Data;
    const [sub] = ex.afterSaleBody.Data[0]!.EXT.SubsOrder.Items;
    const stored = ["s1", "s2", "s3"].map((SubOrderID) => ({ ...sub!, SubOrderID }));
    h.emulator.store.addMainInfo(
      { ...order!, EXT: { ...order!.EXT, SubsOrder: { Status: 401, Items: stored } } },
      { openId: ex.updateAfterSaleOrderInput.openId! },
    );
    const naming = (...ids: string[]) => ({
      ...ex.updateAfterSaleOrderInput,
      deliveryMode: "QUEUE" as const,
      afterSale: {
        ...ex.updateAfterSaleOrderInput.afterSale,
        items: ids.map((subOrderId) => ({
          ...ex.updateAfterSaleOrderInput.afterSale.items[0]!,
          subOrderId,
          orderDetail: {
            ...ex.updateAfterSaleOrderInput.afterSale.items[0]!.orderDetail,
            swanSchema: `baiduboxapp://swan/${SHOP.appKey}/pages/refund?id=${subOrderId}`,
          },
        })),
      },
    });
    const release = clock.hold();
    h.emulator.faults.add({ route: "updateSubInfo", kind: "http", status: 503 });
    await h.send(UpdateAfterSaleOrderTrackedDocument, { input: naming("s1", "s2") });
    await eventually(() => h.emulator.requestsTo("updateSubInfo").length === 1);
    await h.send(UpdateAfterSaleOrderTrackedDocument, { input: naming("s2", "s1") });
    await h.send(UpdateAfterSaleOrderTrackedDocument, { input: naming("s1", "s3") });
    release();
    await eventually(() => h.emulator.requestsTo("updateSubInfo").length === 3);
    const named = h.emulator
      .requestsTo("updateSubInfo")
      .map((r) =>
        (r.body as typeof ex.afterSaleBody).Data[0]!.EXT.SubsOrder.Items.map((i) => i.SubOrderID),
      );
    // The first two name the same ones and go as the second; the third, sent after it, finds s3
    // gone, as it would have.
    expect(named).toEqual([
      ["s1", "s2"],
      ["s2", "s1"],
      ["s1", "s3"],
    ]);
    expect(
      h.emulator.store
        .get(SHOP.appKey, ORDER)!
        .record.EXT?.SubsOrder?.Items.map((i) => i.SubOrderID),
    ).toEqual(["s2", "s1"]);
  });

  it("names the argument of a ledger query that breaks a rule, as the query spells it", async () => {
    const violations = async (body: Promise<{ body: { errors?: readonly unknown[] } }>) =>
      ((await body).body.errors?.[0] as { extensions?: { violations?: unknown } })?.extensions
        ?.violations;
    expect(await violations(h.send(DeliveriesDocument, { first: 0 }))).toEqual([
      { path: "first", message: "must not be less than 1" },
    ]);
    expect(
      await violations(h.send(DeliveriesDocument, { filter: { resourceId: "r".repeat(300) } })),
    ).toEqual([{ path: "filter.resourceId", message: "must be at most 128 characters" }]);
    expect(await violations(h.send(DeliveriesDocument, { after: "nonsense" }))).toEqual([
      { path: "after", message: "is not a cursor this gateway made" },
    ]);
    expect(await violations(h.send(DeliveryDocument, { id: "x" }))).toEqual([
      { path: "id", message: "is not a delivery id" },
    ]);
  });

  it("records nothing of a write refused for a reused idempotency key", async () => {
    await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...ex.updateOrderInfoInput, idempotencyKey: "k-1" },
    });
    const other = {
      ...ex.updateOrderInfoInput,
      idempotencyKey: "k-1",
      order: { ...ex.updateOrderInfoInput.order, resourceId: "never-accepted" },
    };
    expect(
      (await h.send(UpdateOrderInfoTrackedDocument, { input: other })).body.errors?.[0]?.extensions
        ?.code,
    ).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(
      (await h.send(LedgerOrderDocument, { appKey: SHOP.appKey, resourceId: "never-accepted" }))
        .body.data!.order,
    ).toBeNull();
  });

  it("keeps the order as the delivered writes left it, with its history", async () => {
    await h.send(ImportOrderTrackedDocument, { input: ex.importOrderInput });
    await h.send(AppendAfterSaleOrdersTrackedDocument, { input: ex.appendAfterSaleOrdersInput });
    const { body } = await h.send(LedgerOrderDocument, { appKey: SHOP.appKey, resourceId: ORDER });
    expect(body.data!.order).toMatchObject({
      appKey: SHOP.appKey,
      resourceId: ORDER,
      categoryCode: 1,
      statusCode: 200,
      title: "test",
      afterSaleStatusCode: 401,
      afterSaleOrders: [{ subOrderId: "onlyOne", statusCode: 401, typeCode: 1 }],
      trackingNumbers: [],
      deliveries: {
        edges: [
          { node: { id: "2", operation: "appendAfterSaleOrders", state: "DELIVERED" } },
          { node: { id: "1", operation: "importOrder", state: "DELIVERED" } },
        ],
      },
    });
    expect(
      (await h.send(LedgerOrderDocument, { appKey: SHOP.appKey, resourceId: "never-written" })).body
        .data!.order,
    ).toBeNull();
  });

  it("lists deliveries newest first in pages, filtered, and only the key's apps", async () => {
    for (const status of ["AWAITING_SHIPMENT", "AWAITING_RECEIPT", "COMPLETED"] as const)
      await h.send(UpdateOrderInfoTrackedDocument, { input: infoWith(status) });
    const page1 = (
      await h.send(DeliveriesDocument, {
        first: 2,
        filter: { resourceId: ORDER, state: "DELIVERED" },
      })
    ).body.data!.deliveries;
    expect(page1.edges.map((edge) => edge.node.id)).toEqual(["3", "2"]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await h.send(DeliveriesDocument, { first: 2, after: page1.pageInfo.endCursor }))
      .body.data!.deliveries;
    expect(page2.edges.map((edge) => edge.node.id)).toEqual(["1"]);
    expect(page2.pageInfo).toEqual({ hasNextPage: false, endCursor: page2.edges[0]!.cursor });
    expect(
      (await h.send(DeliveriesDocument, { filter: { appKey: OTHER.appKey } })).body.data!.deliveries
        .edges,
    ).toEqual([]);
  });

  it("shows a key only the deliveries of the apps it may use", async () => {
    await h.send(UpdateOrderInfoTrackedDocument, {
      input: {
        ...ex.updateOrderInfoInput,
        appKey: OTHER.appKey,
        order: { ...ex.updateOrderInfoInput.order },
      },
    });
    expect((await h.send(DeliveryDocument, { id: "1" })).body.data!.delivery!.appKey).toBe(
      OTHER.appKey,
    );
    expect((await h.send(DeliveryDocument, { id: "1" }, SHOP_KEY)).body).toEqual({
      data: { delivery: null },
    });
    expect((await h.send(DeliveriesDocument, {}, SHOP_KEY)).body.data!.deliveries.edges).toEqual(
      [],
    );
    expect(
      (await h.send(LedgerOrderDocument, { appKey: OTHER.appKey, resourceId: ORDER }, SHOP_KEY))
        .body.errors?.[0]?.extensions?.code,
    ).toBe("FORBIDDEN");
    expect(
      (await h.send(CancelDeliveryDocument, { id: "1" }, SHOP_KEY)).body.errors?.[0]?.extensions
        ?.code,
    ).toBe("NOT_FOUND");
  });

  it("cancels a pending delivery, and refuses to cancel one that has ended", async () => {
    const release = clock.hold();
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503 });
    await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...infoWith("AWAITING_SHIPMENT"), deliveryMode: "QUEUE" },
    });
    await eventually(() => h.emulator.requestsTo("updateMainInfo").length === 1);
    await h.send(AppendAfterSaleOrdersTrackedDocument, {
      input: { ...ex.appendAfterSaleOrdersInput, deliveryMode: "QUEUE" },
    });
    const cancelled = (await h.send(CancelDeliveryDocument, { id: "2" })).body;
    expect(cancelled.data!.cancelDelivery).toMatchObject({
      id: "2",
      state: "CANCELLED",
      attemptCount: 0,
    });
    release();
    await eventually(
      async () =>
        (await h.send(DeliveryDocument, { id: "1" })).body.data?.delivery?.state === "DELIVERED",
    );
    expect(h.emulator.requestsTo("appendSubInfo")).toEqual([]);
    expect((await h.send(CancelDeliveryDocument, { id: "1" })).body.errors?.[0]).toMatchObject({
      message: "Delivery 1 is DELIVERED: it cannot be cancelled",
      extensions: { code: "DELIVERY_STATE_CONFLICT", deliveryId: "1", state: "DELIVERED" },
    });
  });

  /**
   * A delivery that is PENDING (its first attempt failed, the next waits on the held clock) when a
   * person's cancel or retry reads it, and that the worker takes on (its next attempt ending in
   * `fault`, or delivered) while that person's change is held on its way to the ledger.
   */
  async function raced(
    statement: string,
    act: () => Promise<{ body: { data?: unknown; errors?: readonly unknown[] } }>,
    next: "DELIVERED" | "FAILED",
  ) {
    await h.close();
    let reach = () => {};
    const reached = new Promise<void>((resolve) => (reach = resolve));
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    h = await startHarness({
      store,
      clock: clock.clock,
      wrapSql: (sql) => ({
        ...sql,
        query: async (text, params) => {
          if (typeof text === "string" && text.includes(statement)) {
            reach();
            await released;
          }
          return sql.query(text, params);
        },
      }),
    });
    ex.seedExampleOrders(h.emulator, { afterSale: false });
    const retrying = clock.hold();
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503 });
    if (next === "FAILED")
      h.emulator.faults.add({ route: "updateMainInfo", kind: "errno", errno: 40001 });
    await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...infoWith("AWAITING_SHIPMENT"), deliveryMode: "QUEUE" },
    });
    await eventually(() => h.emulator.requestsTo("updateMainInfo").length === 1);
    const acting = act();
    await reached;
    retrying();
    await eventually(
      async () => (await h.send(DeliveryDocument, { id: "1" })).body.data?.delivery?.state === next,
    );
    release();
    return (await acting).body;
  }

  it("names the state a delivery had moved on to when the worker took it just before a cancel", async () => {
    const body = await raced(
      "set state = 'CANCELLED'",
      () => h.send(CancelDeliveryDocument, { id: "1" }),
      "DELIVERED",
    );
    expect(body.errors?.[0]).toMatchObject({
      message: "Delivery 1 is DELIVERED: it cannot be cancelled",
      extensions: { code: "DELIVERY_STATE_CONFLICT", deliveryId: "1", state: "DELIVERED" },
    });
  });

  it("sends a delivery again that failed for good while a retry was hurrying it", async () => {
    const body = await raced(
      "set next_attempt_at = $2::timestamptz",
      () => h.send(RetryDeliveryDocument, { id: "1" }),
      "FAILED",
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ retryDelivery: { id: "2", retryOf: { id: "1" } } });
  });

  it("sends a FAILED delivery again as a new delivery behind the writes accepted since", async () => {
    h.emulator.faults.add({ route: "updateMainInfo", kind: "errno", errno: 40001 });
    await h.send(UpdateOrderInfoTrackedDocument, { input: ex.updateOrderInfoInput });
    const { body } = await h.send(RetryDeliveryDocument, { id: "1" });
    expect(body.data!.retryDelivery).toMatchObject({
      id: "2",
      retryOf: { id: "1" },
      request: { body: ex.updateOrderInfoBody },
    });
    await eventually(
      async () =>
        (await h.send(DeliveryDocument, { id: "2" })).body.data?.delivery?.state === "DELIVERED",
    );
    expect(h.emulator.requestsTo("updateMainInfo")).toHaveLength(2);
    expect((await h.send(RetryDeliveryDocument, { id: "2" })).body.errors?.[0]?.extensions).toEqual(
      {
        code: "DELIVERY_STATE_CONFLICT",
        deliveryId: "2",
        state: "DELIVERED",
      },
    );
  });

  it("reads a page of 50 deliveries with their orders and attempts in a fixed number of statements", async () => {
    await h.close();
    let counted!: CountingSql;
    // No poll during the count: the worker would add its own statements.
    h = await startHarness({
      store,
      clock: clock.clock,
      delivery: { pollMs: 60_000 },
      wrapSql: (sql) => (counted = countStatements(sql)),
    });
    const resourceIds = Array.from({ length: 50 }, (_, i) => `page-${1000 + i}`);
    ex.seedExampleOrders(h.emulator, { afterSale: false, resourceIds });
    for (const resourceId of resourceIds) {
      await h.send(UpdateOrderInfoTrackedDocument, {
        input: {
          ...ex.updateOrderInfoInput,
          order: { ...ex.updateOrderInfoInput.order, resourceId },
        },
      });
    }
    const statementsFor = async (first: number) => {
      const before = counted.statements;
      const { body } = await h.send(DeliveriesDocument, { first });
      expect(body.data!.deliveries.edges).toHaveLength(first);
      expect(
        body.data!.deliveries.edges.every(
          ({ node }) => node.orders.length === 1 && node.attempts.length === 1,
        ),
      ).toBe(true);
      return counted.statements - before;
    };
    // The page, then one statement each for its orders and its attempts, however many rows.
    expect(await statementsFor(5)).toBe(3);
    expect(await statementsFor(50)).toBe(3);
  });

  it("removes deliveries past their retention when it starts, and keeps what it knows of the orders", async () => {
    await h.send(ImportOrderTrackedDocument, { input: ex.importOrderInput });
    await h.close();
    clock.advance(31 * 86_400_000);
    h = await startHarness({ store, clock: clock.clock, keepStore: true });
    expect((await h.send(DeliveryDocument, { id: "1" })).body).toEqual({
      data: { delivery: null },
    });
    const { body } = await h.send(LedgerOrderDocument, { appKey: SHOP.appKey, resourceId: ORDER });
    expect(body.data!.order).toMatchObject({
      statusCode: 200,
      title: "test",
      deliveries: { edges: [] },
    });
  });
});
