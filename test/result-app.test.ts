import { UpdateOrderStatusWithAppDocument } from "./generated/graphql";
import * as ex from "./support/examples";
import { SHOP, startHarness, type Harness } from "./support/harness";

describe("OrderWriteResult.app", () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it("resolves the app Baidu echoed for every result of a batch", async () => {
    const { body } = await h.send(UpdateOrderStatusWithAppDocument, {
      input: ex.updateOrderStatusInput,
    });
    const app = { appKey: SHOP.appKey, name: SHOP.name };
    expect(body).toEqual({
      data: {
        updateOrderStatus: {
          results: [
            { resourceId: "2221554346520", app },
            { resourceId: "3221554346520", app },
          ],
        },
      },
    });
  });
});
