import { UpdateAfterSaleOrderDocument, UpdateOrderStatusDocument } from "./generated/graphql";
import * as ex from "./support/examples";
import {
  attempts,
  DeliveryQuery,
  lastError,
  MISCONFIGURED,
  QPS,
  misconfiguredPayload,
  repeat,
  retryLines,
  trackedWrite,
  type Failure,
} from "./support/delivery-helpers";
import { startHarness, testClock, type Harness } from "./support/harness";

/**
 * What a caller learns about a write that failed: whether Baidu may have run it. The ledger keeps
 * it on the delivery (`outcomeUnknown`, once any attempt may have run) and BAIDU_REJECTED carries
 * it.
 */
describe("reporting a failed write's outcome", () => {
  let h: Harness;
  let clock: ReturnType<typeof testClock>;
  beforeEach(async () => {
    clock = testClock();
    // A short deadline: with random 0.5 the backoffs are 50, 100, 150, 150, … and a write that
    // keeps failing ends FAILED after its 8th attempt. No pause after load refusals: only those
    // backoffs.
    h = await startHarness({
      clock: clock.clock,
      baidu: { timeoutMs: 250, budget: { callsPerSecond: null, recoverMs: 10_000, pauseMs: 0 } },
      delivery: { deadlineMs: 1000, retry: { baseDelayMs: 100, maxDelayMs: 300 } },
    });
    ex.seedExampleOrders(h.emulator, { afterSale: true });
  });
  afterEach(async () => {
    const pending = h.emulator.faults.pending();
    await h.close();
    expect(pending).toEqual([]);
  });

  const BACKOFFS_UNTIL_DEADLINE = [50, 100, 150, 150, 150, 150, 150];

  const errorOf = (body: {
    errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  }) => ({
    message: body.errors?.[0]?.message,
    extensions: body.errors?.[0]?.extensions,
  });

  /** The delivery a payload reports. */
  const deliveryOf = (
    body: { data?: Record<string, { delivery?: unknown }> | null },
    field: string,
  ) => body.data?.[field]?.delivery;
  const ledger = async (id: string) => (await h.send(DeliveryQuery, { id })).body.data?.delivery;

  const TIMEOUT: Failure = {
    verdict: "OUTCOME_UNKNOWN",
    message: "Baidu did not answer within 250 ms",
  };
  const TOKEN_502: Failure = {
    verdict: "UNAVAILABLE",
    message: "Baidu answered HTTP 502",
    httpStatus: 502,
  };
  const TOKEN_503: Failure = {
    verdict: "UNAVAILABLE",
    message: "Baidu answered HTTP 503",
    httpStatus: 503,
  };

  it("says the outcome is known when the token fetch kept failing and the append was never sent", async () => {
    // caches a token first
    await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput });
    h.emulator.faults.add({ route: "appendSubInfo", kind: "errorCode", code: 111 });
    // The refetch after the 111 fails, and so does the token fetch of every later attempt.
    h.emulator.faults.add({ route: "token", kind: "http", status: 502, times: 8 });
    const { body } = await h.send(trackedWrite("appendAfterSaleOrders"), {
      input: ex.appendAfterSaleOrdersInput,
    });
    expect(body).toEqual({
      data: {
        appendAfterSaleOrders: {
          dryRun: false,
          allApplied: false,
          results: [],
          request: null,
          delivery: {
            id: "2",
            state: "FAILED",
            attemptCount: 8,
            outcomeUnknown: false,
            lastError: lastError(TOKEN_502),
            attempts: attempts(repeat(TOKEN_502, 8), false),
          },
        },
      },
    });
    expect(h.emulator.requestsTo("appendSubInfo")).toHaveLength(1);
    expect(h.emulator.requestsTo("token")).toHaveLength(9);
    expect(clock.sleeps).toEqual(BACKOFFS_UNTIL_DEADLINE);
  });

  it("keeps reporting an earlier timeout when the later attempts fail at the token fetch, since Baidu may have run that attempt", async () => {
    // caches a token first
    await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "hang" });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "errorCode", code: 110 });
    h.emulator.faults.add({ route: "token", kind: "http", status: 503, times: 7 });
    const { body } = await h.send(trackedWrite("updateAfterSaleOrder"), {
      input: ex.updateAfterSaleOrderInput,
    });
    expect(deliveryOf(body, "updateAfterSaleOrder")).toEqual({
      id: "2",
      state: "FAILED",
      attemptCount: 8,
      outcomeUnknown: true,
      lastError: lastError(TOKEN_503),
      attempts: attempts([TIMEOUT, ...repeat(TOKEN_503, 7)], false),
    });
    expect(body.errors).toBeUndefined();
    expect(h.emulator.requestsTo("updateSubInfo")).toHaveLength(2);
  });

  it("retries a refusal of the token request as a configuration fault, logged at error level, and delivers once it is mended", async () => {
    h.emulator.faults.add({
      route: "token",
      kind: "http",
      status: 400,
      body: "bad request",
      times: 2,
    });
    const { body } = await h.send(trackedWrite("updateOrderStatus"), {
      input: ex.updateOrderStatusInput,
    });
    expect(body).toEqual({
      data: {
        updateOrderStatus: {
          dryRun: false,
          // Only the first of the two orders is seeded at Baidu.
          allApplied: false,
          results: [
            {
              resourceId: "2221554346520",
              appKey: ex.updateOrderStatusInput.appKey,
              categoryCode: 2,
              rowsAffected: 1,
              applied: true,
            },
            {
              resourceId: "3221554346520",
              appKey: ex.updateOrderStatusInput.appKey,
              categoryCode: 2,
              rowsAffected: 0,
              applied: false,
            },
          ],
          request: null,
          delivery: {
            id: "1",
            state: "DELIVERED",
            attemptCount: 3,
            outcomeUnknown: false,
            lastError: null,
            attempts: attempts([MISCONFIGURED, MISCONFIGURED], true),
          },
        },
      },
    });
    expect(h.emulator.requestsTo("token")).toHaveLength(3);
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(1);
    expect(clock.sleeps).toEqual([50, 100]);
    expect(retryLines(h)).toEqual(
      [50, 100].map((retryInMs) => ({
        level: "error",
        deliveryId: 1,
        endpoint: "updateMainStatus",
        verdict: "MISCONFIGURED",
        error: MISCONFIGURED.message,
        retryInMs,
      })),
    );
  });

  it("answers with the misconfigured delivery, masked, when the token request is refused until the deadline", async () => {
    h.emulator.faults.add({
      route: "token",
      kind: "http",
      status: 400,
      body: "bad request",
      times: 8,
    });
    const { body } = await h.send(trackedWrite("updateOrderStatus"), {
      input: ex.updateOrderStatusInput,
    });
    expect(body).toEqual(misconfiguredPayload("updateOrderStatus", 8));
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(0);
  });

  it("redacts a token that Baidu's own message might echo, in the error and in the ledger", async () => {
    h.emulator.faults.add({
      route: "updateMainStatus",
      kind: "errno",
      errno: 40001,
      msg: "bad url ?access_token=24.abc&open_id=u",
    });
    const { body, text } = await h.send(UpdateOrderStatusDocument, {
      input: ex.updateOrderStatusInput,
    });
    expect(errorOf(body)).toEqual({
      message:
        "Baidu rejected the request: errno 40001: bad url ?access_token=[REDACTED]&open_id=u",
      extensions: {
        code: "BAIDU_REJECTED",
        deliveryId: "1",
        errno: 40001,
        baiduMessage: "bad url ?access_token=[REDACTED]&open_id=u",
      },
    });
    const rejected: Failure = {
      verdict: "REJECTED",
      message: "Baidu errno 40001: bad url ?access_token=[REDACTED]&open_id=u",
      errno: 40001,
      baiduMessage: "bad url ?access_token=[REDACTED]&open_id=u",
    };
    expect(await ledger("1")).toEqual({
      id: "1",
      state: "FAILED",
      attemptCount: 1,
      outcomeUnknown: false,
      lastError: lastError(rejected),
      attempts: attempts([rejected], false),
    });
    expect([text, ...h.logs].filter((line) => line.includes("24.abc"))).toEqual([]);
  });

  it("reports a write Baidu answered without cate_id as applied, with a null category", async () => {
    const data = [
      {
        biz_app_id: ex.updateOrderStatusInput.appKey,
        resource_id: "2221554346520",
        rows_affected: 1,
      },
    ];
    h.emulator.faults.add({
      route: "updateSubInfo",
      kind: "http",
      status: 200,
      body: { errno: 0, msg: "success", data },
    });
    const { body } = await h.send(UpdateAfterSaleOrderDocument, {
      input: ex.updateAfterSaleOrderInput,
    });
    expect(body.data?.updateAfterSaleOrder.results).toEqual([
      {
        resourceId: "2221554346520",
        appKey: data[0]!.biz_app_id,
        categoryCode: null,
        rowsAffected: 1,
        applied: true,
      },
    ]);
    expect(body.data?.updateAfterSaleOrder.allApplied).toBe(true);
  });

  it("does not call a batch applied when Baidu's answer leaves an order out", async () => {
    const data = [
      {
        biz_app_id: ex.updateOrderStatusInput.appKey,
        cate_id: "2",
        resource_id: "2221554346520",
        rows_affected: "1",
      },
    ];
    h.emulator.faults.add({
      route: "updateMainStatus",
      kind: "http",
      status: 200,
      body: { errno: 0, msg: "success", data },
    });
    const { body } = await h.send(trackedWrite("updateOrderStatus"), {
      input: ex.updateOrderStatusInput,
    });
    expect(body.data?.updateOrderStatus.results).toEqual([
      {
        resourceId: "2221554346520",
        appKey: ex.updateOrderStatusInput.appKey,
        categoryCode: 2,
        rowsAffected: 1,
        applied: true,
      },
      // Left out of Baidu's answer: reported as not applied (and reportedByBaidu: false, see
      // test/hostile-upstream.test.ts).
      {
        resourceId: "3221554346520",
        appKey: ex.updateOrderStatusInput.appKey,
        categoryCode: null,
        rowsAffected: 0,
        applied: false,
      },
    ]);
    expect(body.data?.updateOrderStatus.allApplied).toBe(false);
    expect(body.data?.updateOrderStatus.delivery).toMatchObject({
      state: "DELIVERED",
      attemptCount: 1,
    });
  });

  it("keeps an earlier dropped attempt's unknown outcome when the later attempts meet QPS rejections until the deadline", async () => {
    h.emulator.faults.add({ route: "updateSubInfo", kind: "drop" });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "errorCode", code: 18, times: 7 });
    const { body } = await h.send(trackedWrite("updateAfterSaleOrder"), {
      input: ex.updateAfterSaleOrderInput,
    });
    const dropped: Failure = {
      verdict: "OUTCOME_UNKNOWN",
      message: "Connection to Baidu failed (UND_ERR_SOCKET)",
    };
    expect(deliveryOf(body, "updateAfterSaleOrder")).toEqual({
      id: "1",
      state: "FAILED",
      attemptCount: 8,
      outcomeUnknown: true,
      lastError: lastError(QPS),
      attempts: attempts([dropped, ...repeat(QPS, 7)], false),
    });
    expect(body.errors).toBeUndefined();
    expect(h.emulator.requestsTo("updateSubInfo")).toHaveLength(8);
  });

  it("marks a rejection that follows a timed-out attempt as of unknown outcome", async () => {
    h.emulator.faults.add({ route: "updateSubInfo", kind: "hang" });
    h.emulator.faults.add({
      route: "updateSubInfo",
      kind: "errno",
      errno: 40001,
      msg: "parameter error",
    });
    const { body } = await h.send(UpdateAfterSaleOrderDocument, {
      input: ex.updateAfterSaleOrderInput,
    });
    expect(errorOf(body)).toEqual({
      message: "Baidu rejected the request: errno 40001: parameter error",
      extensions: {
        code: "BAIDU_REJECTED",
        deliveryId: "1",
        errno: 40001,
        baiduMessage: "parameter error",
        outcomeUnknown: true,
      },
    });
    expect(h.emulator.requestsTo("updateSubInfo")).toHaveLength(2);
    expect(clock.sleeps).toEqual([50]);
  });

  it("redacts a token in Baidu's message on a delivery that failed for busy answers too", async () => {
    h.emulator.faults.add({
      route: "updateMainStatus",
      kind: "errorCode",
      code: 2,
      msg: "busy ?access_token=24.SECRET",
      times: 8,
    });
    const { body, text } = await h.send(trackedWrite("updateOrderStatus"), {
      input: ex.updateOrderStatusInput,
    });
    expect(body.data?.updateOrderStatus.delivery).toMatchObject({
      state: "FAILED",
      attemptCount: 8,
      lastError: {
        verdict: "OUTCOME_UNKNOWN",
        errorCode: 2,
        baiduMessage: "busy ?access_token=[REDACTED]",
      },
    });
    expect(text).toContain("busy ?access_token=[REDACTED]");
    expect([text, ...h.logs].filter((line) => line.includes("24.SECRET"))).toEqual([]);
  });

  it("keeps the unknown outcome of a timed-out attempt when the fresh tokens are then rejected, and delivers on a later attempt", async () => {
    h.emulator.faults.add({ route: "updateSubInfo", kind: "hang" });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "errorCode", code: 110, times: 2 });
    const { body } = await h.send(trackedWrite("updateAfterSaleOrder"), {
      input: ex.updateAfterSaleOrderInput,
    });
    expect(deliveryOf(body, "updateAfterSaleOrder")).toEqual({
      id: "1",
      state: "DELIVERED",
      attemptCount: 3,
      outcomeUnknown: true,
      lastError: null,
      attempts: attempts([TIMEOUT, MISCONFIGURED], true),
    });
    // The timeout, the rejected token, the rejected fresh token (replayed once inside attempt 2),
    // the delivery.
    expect(h.emulator.requestsTo("updateSubInfo")).toHaveLength(4);
    expect(h.emulator.requestsTo("token")).toHaveLength(2);
    expect(clock.sleeps).toEqual([50, 100]);
  });
});
