import {
  DeliveryDocument,
  UpdateAfterSaleOrderDocument,
  UpdateAfterSaleOrderTrackedDocument,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { SHOP, startHarness, type Harness } from "./support/harness";

/** Baidu's own texts may repeat what they were sent: the gateway's secrets never pass through. */
describe("Baidu's texts that name a secret", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    ex.seedExampleOrders(h.emulator, { afterSale: true });
  });
  afterEach(() => h.close());

  it("reach neither the caller nor the log with the bare access token or the app secret in them", async () => {
    // Fetch a token first, so that Baidu's text can name the live one.
    await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    const token = h.emulator.requestsTo("updateSubInfo")[0]!.query.access_token!;
    const msg = `Invalid parameter access_token: ${token}; client ${SHOP.appSecret} unknown`;
    h.emulator.faults.add({ route: "updateSubInfo", kind: "errno", errno: 40001, msg });
    const { body, text } = await h.send(UpdateAfterSaleOrderDocument, {
      input: { ...ex.updateAfterSaleOrderInput, idempotencyKey: "second" },
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: "BAIDU_REJECTED",
      errno: 40001,
      baiduMessage: "Invalid parameter access_token: [REDACTED]; client [REDACTED] unknown",
    });
    for (const output of [text, ...h.logs])
      expect([output.includes(token), output.includes(SHOP.appSecret)]).toEqual([false, false]);
  });

  it("keep Baidu's request_id from carrying the live access token to the caller or the ledger", async () => {
    await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    const token = h.emulator.requestsTo("updateSubInfo")[0]!.query.access_token!;
    const body = { request_id: token };
    h.emulator.faults.add({ route: "updateSubInfo", kind: "http", status: 400, body });
    const refused = await h.send(UpdateAfterSaleOrderTrackedDocument, {
      input: { ...ex.updateAfterSaleOrderInput, idempotencyKey: "second" },
    });
    const extensions = refused.body.errors?.[0]?.extensions;
    expect(extensions).toMatchObject({
      code: "BAIDU_REJECTED",
      httpStatus: 400,
      requestId: "[REDACTED]",
    });
    const kept = await h.send(DeliveryDocument, { id: String(extensions?.deliveryId) });
    expect(kept.body.data?.delivery).toMatchObject({
      lastError: { requestId: "[REDACTED]" },
      attempts: [{ requestId: "[REDACTED]" }],
    });
    for (const output of [refused.text, kept.text, ...h.logs])
      expect(output.includes(token)).toBe(false);
  });

  it("redact OAuth's error_description before cutting it short, so no part of a secret is left", async () => {
    const description = `${"x".repeat(490)}${SHOP.appSecret}`;
    h.emulator.faults.add({
      route: "token",
      kind: "http",
      status: 401,
      body: { error: "invalid_client", error_description: description },
    });
    await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    // The description as the log keeps it: redacted, then cut at 500 characters (a cut first would
    // keep "shop-app-s").
    expect(h.logs.some((line) => line.includes(`${"x".repeat(490)}[REDACTED]`))).toBe(true);
    const piece = SHOP.appSecret.slice(0, 8);
    expect(h.logs.filter((line) => line.includes(piece))).toEqual([]);
  });
});
