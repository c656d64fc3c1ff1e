import {
  ImportOrderDocument,
  UpdateAfterSaleOrderDocument,
  UpdateOrderStatusDocument,
  type ImportOrderInput,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { startHarness, type Harness } from "./support/harness";

/**
 * The exact error a validation failure answers with: every violation, with its field path, and no
 * echo of the input.
 */
function badInput(field: string, violations: Array<{ path: string; message: string }>) {
  return {
    data: null,
    errors: [
      {
        message: `Invalid input: ${violations.map((v) => `${v.path}: ${v.message}`).join("; ")}`,
        locations: expect.any(Array),
        path: [field],
        extensions: { code: "BAD_USER_INPUT", violations },
      },
    ],
  };
}

const withOrder = (change: (order: ImportOrderInput["order"]) => void): ImportOrderInput => {
  const input = structuredClone(ex.importOrderInput);
  change(input.order);
  return input;
};

describe("input validation", () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());
  beforeEach(() => h.emulator.clearRequests());
  // nothing reached Baidu, not even a token request
  afterEach(() => expect(h.emulator.requests).toEqual([]));

  it("reports every violation of an order at once, with field paths", async () => {
    const input = withOrder((order) => {
      order.createdAt = 1571026201000;
      order.updatedAt = 42;
      order.status = "AWAITING_SELLER_CONFIRMATION";
      order.products[0]!.images = [
        "https://a.invalid/1.png",
        "https://a.invalid/2.png",
        "https://a.invalid/3.png",
        "https://a.invalid/4.png",
        "https://a.invalid/5.png",
        "https://a.invalid/6.png",
      ];
      order.products[0]!.skuAttrs = [1, 2, 3, 4, 5].map((n) => ({ name: `n${n}`, value: "v" }));
      order.products[0]!.price = -1;
      order.orderDetail = { status: "CLICKABLE", swanSchema: "https://example.invalid/order" };
    });
    const { body } = await h.send(ImportOrderDocument, { input });
    expect(body).toEqual(
      badInput("importOrder", [
        {
          path: "input.order.createdAt",
          message: "looks like a millisecond timestamp; Baidu wants Unix seconds (divide by 1000)",
        },
        {
          path: "input.order.updatedAt",
          message: "must be a Unix time in seconds between 2001-09-09 and 2100-01-01",
        },
        {
          path: "input.order.status",
          message: "is not a PHYSICAL_GOODS status; allowed: 1, 5, 6, 100, 200, 300",
        },
        { path: "input.order.products[0].price", message: "must not be less than 0" },
        { path: "input.order.products[0].images", message: "must contain no more than 5 elements" },
        {
          path: "input.order.products[0].skuAttrs",
          message: "must contain no more than 4 elements",
        },
        {
          path: "input.order.orderDetail.swanSchema",
          message: "must look like baiduboxapp://swan/<32-character app key>/<page path>",
        },
      ]),
    );
    expect(JSON.stringify(body)).not.toContain("1571026201000");
  });

  it("checks the payment amount against products, charges and discounts", async () => {
    const input = withOrder((order) => (order.payment.amount = 2490));
    const { body } = await h.send(ImportOrderDocument, { input });
    expect(body).toEqual(
      badInput("importOrder", [
        {
          path: "input.order.payment",
          message:
            "amount must equal Σ(products payPrice × quantity) + Σ(charges) − Σ(discounts), which is 2390 fen for this order",
        },
      ]),
    );
  });

  it("sums the payment exactly, past where a JavaScript number rounds", async () => {
    // Each product of two 32-bit figures is near 2^62; the exact total is 45,662 fen. With numbers
    // the sum came out as 45,568.
    const input = (amount: number) =>
      withOrder((order) => {
        const [product] = order.products;
        order.products = [
          { ...product!, price: 2147483005, payPrice: 2147483005, quantity: 2147483136 },
        ];
        order.payment = {
          ...order.payment,
          amount,
          charges: [],
          discounts: [{ name: "券", value: 2147482847, quantity: 2147483294 }],
        };
      });
    const exact = await h.send(ImportOrderDocument, { input: { ...input(45662), dryRun: true } });
    expect(exact.body.errors).toBeUndefined();
    const { body } = await h.send(ImportOrderDocument, {
      input: { ...input(45568), dryRun: true },
    });
    expect(body).toEqual(
      badInput("importOrder", [
        {
          path: "input.order.payment",
          message:
            "amount must equal Σ(products payPrice × quantity) + Σ(charges) − Σ(discounts), which is 45662 fen for this order",
        },
      ]),
    );
  });

  it("needs exactly one of openId and swanId, and a sceneId where Baidu requires one", async () => {
    const input = { ...ex.importOrderInput, openId: "a", swanId: "b", sceneId: " " };
    const { body } = await h.send(ImportOrderDocument, { input });
    expect(body).toEqual(
      badInput("importOrder", [
        { path: "input.openId", message: "give exactly one of openId and swanId" },
        { path: "input.sceneId", message: "must be Baidu's cashier order id, in decimal digits" },
      ]),
    );
  });

  it("treats a blank openId as missing, and wants the cashier order id in digits", async () => {
    const input = { ...ex.importOrderInput, openId: "  ", sceneId: "order-159259079195" };
    const { body } = await h.send(ImportOrderDocument, { input });
    expect(body).toEqual(
      badInput("importOrder", [
        { path: "input.openId", message: "must not be empty or blank" },
        { path: "input.openId", message: "give exactly one of openId and swanId" },
        { path: "input.sceneId", message: "must be Baidu's cashier order id, in decimal digits" },
      ]),
    );
  });

  it("takes raw status codes only for categories whose status table Baidu does not document", async () => {
    const input = {
      ...ex.updateOrderStatusInput,
      orders: [
        { resourceId: "a", category: "HOTEL" as const, status: "COMPLETED" as const },
        { resourceId: "b", category: "PHYSICAL_GOODS" as const, statusCode: 200 },
        { resourceId: "c", category: "COURIER_SERVICE" as const },
        { resourceId: "a", category: "COURIER_SERVICE" as const, statusCode: 1 },
      ],
    };
    const { body } = await h.send(UpdateOrderStatusDocument, { input });
    expect(body).toEqual(
      badInput("updateOrderStatus", [
        {
          path: "input.orders",
          message: "resourceId must be unique within the list: [3] repeats [0]",
        },
        {
          path: "input.orders[0].status",
          message:
            "HOTEL has no documented status table; send Baidu's raw code in statusCode instead",
        },
        { path: "input.orders[1].status", message: "is required for PHYSICAL_GOODS" },
        {
          path: "input.orders[2].status",
          message: "COURIER_SERVICE needs statusCode (Baidu's raw status code)",
        },
      ]),
    );
  });

  it("rejects repeated subOrderIds and negative refunds in after-sale info", async () => {
    const input = structuredClone(ex.updateAfterSaleOrderInput);
    const item = input.afterSale.items[0]!;
    input.afterSale.items.push({ ...item, refund: { amount: -5, products: [] } });
    const { body } = await h.send(UpdateAfterSaleOrderDocument, { input });
    expect(body).toEqual(
      badInput("updateAfterSaleOrder", [
        {
          path: "input.afterSale.items",
          message: "subOrderId must be unique within the list: [1] repeats [0]",
        },
        { path: "input.afterSale.items[1].refund.amount", message: "must not be less than 0" },
      ]),
    );
  });

  it("refuses a blank sceneId where Baidu does not require one too", async () => {
    const { body } = await h.send(UpdateAfterSaleOrderDocument, {
      input: { ...ex.updateAfterSaleOrderInput, sceneId: "  " },
    });
    expect(body).toEqual(
      badInput("updateAfterSaleOrder", [
        { path: "input.sceneId", message: "must be Baidu's cashier order id, in decimal digits" },
      ]),
    );
  });
});
