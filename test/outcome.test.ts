import { AppendAfterSaleOrdersDocument, UpdateAfterSaleOrderDocument, UpdateOrderStatusDocument } from "./generated/graphql";
import * as ex from "./support/examples";
import { startHarness, testClock, type Harness } from "./support/harness";

/** What a caller learns about a write that failed: whether Baidu may have run it. */
describe("reporting a failed write's outcome", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ clock: testClock().clock, baidu: { timeoutMs: 250 } });
    ex.seedExampleOrders(h.emulator, { afterSale: true });
  });
  afterEach(async () => {
    const pending = h.emulator.faults.pending();
    await h.close();
    expect(pending).toEqual([]);
  });

  const errorOf = (body: { errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }) => ({
    message: body.errors?.[0]?.message,
    extensions: body.errors?.[0]?.extensions,
  });

  it("says the outcome is known when the token fetch failed and the append was never sent", async () => {
    await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput }); // caches a token first
    h.emulator.faults.add({ route: "appendSubInfo", kind: "errorCode", code: 111 });
    h.emulator.faults.add({ route: "token", kind: "http", status: 502, times: 4 });
    const { body } = await h.send(AppendAfterSaleOrdersDocument, { input: ex.appendAfterSaleOrdersInput });
    expect(errorOf(body)).toEqual({
      message: "Baidu is unavailable: Baidu answered HTTP 502",
      extensions: { code: "BAIDU_UNAVAILABLE", outcomeUnknown: false },
    });
    expect(h.emulator.requestsTo("appendSubInfo")).toHaveLength(1);
  });

  it("keeps reporting an earlier timeout when a later token fetch fails, since Baidu may have run that attempt", async () => {
    await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput }); // caches a token first
    h.emulator.faults.add({ route: "updateSubInfo", kind: "hang" });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "errorCode", code: 110 });
    h.emulator.faults.add({ route: "token", kind: "http", status: 503, times: 4 });
    const { body } = await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    expect(errorOf(body)).toEqual({
      message: "Baidu is unavailable: Baidu did not answer within 250 ms",
      extensions: { code: "BAIDU_UNAVAILABLE", outcomeUnknown: true },
    });
  });

  it("masks a lasting refusal of the token request as a configuration fault", async () => {
    h.emulator.faults.add({ route: "token", kind: "http", status: 400, body: "bad request" });
    const { body } = await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput });
    expect(errorOf(body)).toEqual({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(0);
  });

  it("redacts a token that Baidu's own message might echo", async () => {
    h.emulator.faults.add({ route: "updateMainStatus", kind: "errno", errno: 40001, msg: "bad url ?access_token=24.abc&open_id=u" });
    const { body } = await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput });
    expect(errorOf(body)).toEqual({
      message: "Baidu rejected the request: errno 40001: bad url ?access_token=[REDACTED]&open_id=u",
      extensions: { code: "BAIDU_REJECTED", errno: 40001, baiduMessage: "bad url ?access_token=[REDACTED]&open_id=u" },
    });
  });

  it("reports a write Baidu answered without cate_id as applied, with a null category", async () => {
    const data = [{ biz_app_id: ex.updateOrderStatusInput.appKey, resource_id: "2221554346520", rows_affected: 1 }];
    h.emulator.faults.add({ route: "updateSubInfo", kind: "http", status: 200, body: { errno: 0, msg: "success", data } });
    const { body } = await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    expect(body.data?.updateAfterSaleOrder.results).toEqual([
      { resourceId: "2221554346520", appKey: data[0]!.biz_app_id, categoryCode: null, rowsAffected: 1, applied: true },
    ]);
    expect(body.data?.updateAfterSaleOrder.allApplied).toBe(true);
  });

  it("does not call a batch applied when Baidu's answer leaves an order out", async () => {
    const data = [{ biz_app_id: ex.updateOrderStatusInput.appKey, cate_id: "2", resource_id: "2221554346520", rows_affected: "1" }];
    h.emulator.faults.add({ route: "updateMainStatus", kind: "http", status: 200, body: { errno: 0, msg: "success", data } });
    const { body } = await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput });
    expect(body.data?.updateOrderStatus.results).toHaveLength(1);
    expect(body.data?.updateOrderStatus.allApplied).toBe(false);
  });

  it("keeps an earlier dropped attempt's unknown outcome when later attempts meet QPS rejections", async () => {
    h.emulator.faults.add({ route: "updateSubInfo", kind: "drop" });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "errorCode", code: 18, times: 3 });
    const { body } = await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    expect(errorOf(body)).toEqual({
      message: "Baidu is unavailable: Baidu gateway error_code 18: Open api qps request limit reached",
      extensions: { code: "BAIDU_UNAVAILABLE", outcomeUnknown: true },
    });
    expect(h.emulator.requestsTo("updateSubInfo")).toHaveLength(4);
  });

  it("marks a rejection that follows a timed-out attempt as of unknown outcome", async () => {
    h.emulator.faults.add({ route: "updateSubInfo", kind: "hang" });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "errno", errno: 40001, msg: "parameter error" });
    const { body } = await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    expect(errorOf(body)).toEqual({
      message: "Baidu rejected the request: errno 40001: parameter error",
      extensions: { code: "BAIDU_REJECTED", errno: 40001, baiduMessage: "parameter error", outcomeUnknown: true },
    });
  });

  it("redacts a token in Baidu's message on BAIDU_UNAVAILABLE too", async () => {
    h.emulator.faults.add({ route: "updateMainStatus", kind: "errorCode", code: 2, msg: "busy ?access_token=24.SECRET", times: 4 });
    const { text } = await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput });
    expect(text).toContain("busy ?access_token=[REDACTED]");
    expect(text).not.toContain("24.SECRET");
  });

  it("keeps the unknown outcome of a timed-out attempt when the fresh tokens are then rejected", async () => {
    h.emulator.faults.add({ route: "updateSubInfo", kind: "hang" });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "errorCode", code: 110, times: 2 });
    const { body } = await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    expect(errorOf(body)).toEqual({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR", outcomeUnknown: true } });
  });
});
