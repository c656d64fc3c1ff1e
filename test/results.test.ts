import { ENDPOINTS, TOKEN_PATH } from "../src/baidu/endpoints";
import {
  AppendAfterSaleOrdersDocument,
  ImportOrderDocument,
  UpdateAfterSaleOrderDocument,
  UpdateAfterSaleOrderStatusDocument,
  UpdateOrderInfoDocument,
  UpdateOrderLogisticsDocument,
  UpdateOrderStatusDocument,
} from "./generated/graphql";
import * as ex from "./support/examples";
import {
  DeliveryResultsQuery,
  failedPayload,
  HTTP_503,
  misconfiguredPayload,
  repeat,
  trackedWrite,
} from "./support/delivery-helpers";
import { SHOP, startHarness, testClock, type Harness } from "./support/harness";

/** `print()` puts every mutation's field on line 2, column 3. */
/**
 * A short deadline: with random 0.5 the backoffs are 50, 100, 150, 150, …; the 8th attempt is the
 * last.
 */
const SHORT_DEADLINE = { deadlineMs: 1000, retry: { baseDelayMs: 100, maxDelayMs: 300 } };
const BACKOFFS_UNTIL_DEADLINE = [50, 100, 150, 150, 150, 150, 150];
const at = (field: string) => ({ locations: [{ line: 2, column: 3 }], path: [field] });
const K = SHOP.appKey;

describe("per-order results", () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => {
    expect(h.emulator.faults.pending()).toEqual([]);
    return h.close();
  });

  it("reports an update of an order Baidu does not hold as not applied, without an error", async () => {
    const { status, body } = await h.send(UpdateOrderLogisticsDocument, {
      input: ex.updateOrderLogisticsInput,
    });
    expect({ status, body }).toEqual({
      status: 200,
      body: {
        data: {
          updateOrderLogistics: {
            dryRun: false,
            allApplied: false,
            results: [
              {
                resourceId: "2221554346520",
                appKey: K,
                categoryCode: 1,
                rowsAffected: 0,
                applied: false,
              },
            ],
            request: null,
          },
        },
      },
    });
    // Baidu answered errno 0: the delivery is DELIVERED, with Baidu's per-order results on record.
    expect((await h.send(DeliveryResultsQuery, { id: "1" })).body).toEqual({
      data: {
        delivery: {
          state: "DELIVERED",
          results: [
            {
              resourceId: "2221554346520",
              appKey: K,
              categoryCode: 1,
              rowsAffected: 0,
              applied: false,
            },
          ],
        },
      },
    });
    expect(h.emulator.requestsTo("addMainLogistics")).toHaveLength(1);
  });

  // Baidu's example answer carries `rows_affected` as a string; "0" is a failed item under errno 0.
  it("reads rows_affected from strings and reports each item of a mixed answer", async () => {
    const data = [
      { biz_app_id: K, cate_id: "2", resource_id: "2221554346520", rows_affected: "1" },
      { biz_app_id: K, cate_id: "2", resource_id: "3221554346520", rows_affected: "0" },
    ];
    h.emulator.faults.add({
      route: "updateMainStatus",
      kind: "http",
      status: 200,
      body: { errno: 0, msg: "success", data },
    });
    const { body } = await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput });
    expect(body).toEqual({
      data: {
        updateOrderStatus: {
          dryRun: false,
          allApplied: false,
          results: [
            {
              resourceId: "2221554346520",
              appKey: K,
              categoryCode: 2,
              rowsAffected: 1,
              applied: true,
            },
            {
              resourceId: "3221554346520",
              appKey: K,
              categoryCode: 2,
              rowsAffected: 0,
              applied: false,
            },
          ],
          request: null,
        },
      },
    });
    expect((await h.send(DeliveryResultsQuery, { id: "1" })).body.data?.delivery).toEqual({
      state: "DELIVERED",
      results: body.data?.updateOrderStatus.results,
    });
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(1);
  });
});

describe("Baidu's refusals", () => {
  let h: Harness;
  let clock: ReturnType<typeof testClock>;
  beforeEach(async () => {
    clock = testClock();
    h = await startHarness({ clock: clock.clock, delivery: SHORT_DEADLINE });
  });
  afterEach(() => {
    expect(h.emulator.faults.pending()).toEqual([]);
    return h.close();
  });

  it("answers BAIDU_REJECTED with errno and Baidu's message for a business errno, without retrying", async () => {
    h.emulator.faults.add({
      route: "addMainLogistics",
      kind: "errno",
      errno: 40001,
      msg: "param error: Data[0].EXT",
    });
    const { body } = await h.send(UpdateOrderLogisticsDocument, {
      input: ex.updateOrderLogisticsInput,
    });
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: "Baidu rejected the request: errno 40001: param error: Data[0].EXT",
          ...at("updateOrderLogistics"),
          extensions: {
            code: "BAIDU_REJECTED",
            deliveryId: "1",
            errno: 40001,
            baiduMessage: "param error: Data[0].EXT",
          },
        },
      ],
    });
    expect(h.emulator.requestsTo("addMainLogistics")).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("answers BAIDU_REJECTED with errorCode for Baidu's gateway error_code 6", async () => {
    h.emulator.faults.add({ route: "addMainLogistics", kind: "errorCode", code: 6 });
    const { body } = await h.send(UpdateOrderLogisticsDocument, {
      input: ex.updateOrderLogisticsInput,
    });
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: "Baidu rejected the request: error_code 6: No permission to access data",
          ...at("updateOrderLogistics"),
          extensions: {
            code: "BAIDU_REJECTED",
            deliveryId: "1",
            errorCode: 6,
            baiduMessage: "No permission to access data",
          },
        },
      ],
    });
    expect(h.emulator.requestsTo("addMainLogistics")).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("keeps retrying a 5xx until the deadline, then answers with the FAILED delivery and its last error", async () => {
    h.emulator.faults.add({ route: "addMainLogistics", kind: "http", status: 503, times: 8 });
    const { body } = await h.send(trackedWrite("updateOrderLogistics"), {
      input: ex.updateOrderLogisticsInput,
    });
    expect(body).toEqual(failedPayload("updateOrderLogistics", HTTP_503, 8));
    expect(h.emulator.requestsTo("addMainLogistics")).toHaveLength(8);
    expect(clock.sleeps).toEqual(BACKOFFS_UNTIL_DEADLINE);
  });

  it("retries a rejected app secret with backoff until the deadline, masked in the answer, and logs the cause", async () => {
    await h.close();
    clock = testClock();
    h = await startHarness({
      clock: clock.clock,
      delivery: SHORT_DEADLINE,
      emulator: { apps: [{ appKey: SHOP.appKey, appSecret: "the-secret-baidu-holds-now" }] },
    });
    const { body, text } = await h.send(trackedWrite("updateOrderLogistics"), {
      input: ex.updateOrderLogisticsInput,
    });
    expect(body).toEqual(misconfiguredPayload("updateOrderLogistics", 8));
    // One token request per attempt; the write itself never goes out.
    expect(h.emulator.requests.map((r) => r.path)).toEqual(repeat(TOKEN_PATH, 8));
    expect(clock.sleeps).toEqual(BACKOFFS_UNTIL_DEADLINE);
    const causes = h.logs
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.level === "error" && entry.error?.name !== undefined);
    expect(causes).toHaveLength(8);
    for (const cause of causes)
      expect(cause).toMatchObject({
        msg: "Baidu refused the gateway's credentials",
        error: { name: "BaiduCredentialsError", error: "invalid_client" },
      });
    expect([text, ...h.logs].filter((line) => line.includes(SHOP.appSecret))).toEqual([]);
  });
});

const MUTATIONS = [
  {
    field: "importOrder",
    doc: ImportOrderDocument,
    input: ex.importOrderInput,
    endpoint: "addMainInfo",
    body: ex.importOrderBody,
  },
  {
    field: "updateOrderInfo",
    doc: UpdateOrderInfoDocument,
    input: ex.updateOrderInfoInput,
    endpoint: "updateMainInfo",
    body: ex.updateOrderInfoBody,
  },
  {
    field: "updateOrderStatus",
    doc: UpdateOrderStatusDocument,
    input: ex.updateOrderStatusInput,
    endpoint: "updateMainStatus",
    body: ex.updateOrderStatusBody,
  },
  {
    field: "appendAfterSaleOrders",
    doc: AppendAfterSaleOrdersDocument,
    input: ex.appendAfterSaleOrdersInput,
    endpoint: "appendSubInfo",
    body: ex.afterSaleBody,
  },
  {
    field: "updateAfterSaleOrder",
    doc: UpdateAfterSaleOrderDocument,
    input: ex.updateAfterSaleOrderInput,
    endpoint: "updateSubInfo",
    body: ex.afterSaleBody,
  },
  {
    field: "updateAfterSaleOrderStatus",
    doc: UpdateAfterSaleOrderStatusDocument,
    input: ex.updateAfterSaleOrderStatusInput,
    endpoint: "updateSubStatus",
    body: ex.afterSaleStatusBody,
  },
  {
    field: "updateOrderLogistics",
    doc: UpdateOrderLogisticsDocument,
    input: ex.updateOrderLogisticsInput,
    endpoint: "addMainLogistics",
    body: ex.logisticsBody,
  },
] as const;

describe("dry runs", () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.close());

  it.each(MUTATIONS)(
    "previews $field without calling Baidu, not even for a token, and then sends exactly the preview",
    async ({ field, doc, input, endpoint, body }) => {
      const preview = await h.send(doc as never, { input: { ...input, dryRun: true } } as never);
      const query = Object.entries(ex.exampleQuery).map(([name, value]) => ({ name, value }));
      expect(preview.body).toEqual({
        data: {
          [field]: {
            dryRun: true,
            allApplied: false,
            results: [],
            request: { method: "POST", path: ENDPOINTS[endpoint].path, query, body },
          },
        },
      });
      expect(h.emulator.requests).toEqual([]);
      // Nor is anything committed to the ledger.
      const deliveries = async () =>
        (await h.sql.query<{ n: number }>("select count(*)::int as n from deliveries"))[0]!.n;
      expect(await deliveries()).toBe(0);

      // The real call sends exactly the previewed body, and the previewed query plus the token.
      await h.send(doc as never, { input } as never);
      const sent = h.emulator.requestsTo(endpoint);
      expect(sent).toHaveLength(1);
      const { access_token, ...rest } = sent[0]!.query;
      expect(access_token).toMatch(/^24\./);
      expect({
        method: sent[0]!.method,
        body: sent[0]!.body,
        query: Object.entries(rest).map(([name, value]) => ({ name, value })),
      }).toEqual({
        method: "POST",
        body,
        query,
      });
      expect(await deliveries()).toBe(1);
    },
  );
});
