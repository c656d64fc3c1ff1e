import { UpdateAfterSaleOrderDocument } from "./generated/graphql";
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
});
