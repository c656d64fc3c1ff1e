import { getMetadataStorage } from "class-validator";
import { getNamedType, getNullableType, isInputObjectType, isListType } from "graphql";
import { getMetadataStorage as getTypeGraphQLMetadata } from "type-graphql";
import { DEFAULT_INPUT_LIMITS, getInputLimits, setInputLimits } from "../schema/validators";
import { createSchema } from "../src/graphql/build-schema";
import {
  DeliveriesDocument,
  ImportOrderDocument,
  UpdateAfterSaleOrderDocument,
  UpdateAfterSaleOrderStatusDocument,
  UpdateOrderLogisticsDocument,
  UpdateOrderStatusDocument,
  type ImportOrderInput,
  type UpdateOrderStatusInput,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { SHOP, startHarness, type Harness } from "./support/harness";

/** Issue 7, item 4: text and batch limits on every string and list input (README "Limits"). */

type Violation = { path: string; message: string };

/** The exact error a validation failure answers with (as in validation.test.ts). */
function badInput(field: string | null, violations: Violation[]) {
  return {
    data: null,
    errors: [
      {
        message: `Invalid input: ${violations.map((v) => `${v.path}: ${v.message}`).join("; ")}`,
        locations: expect.any(Array),
        ...(field === null ? {} : { path: [field] }),
        extensions: { code: "BAD_USER_INPUT", violations },
      },
    ],
  };
}

/** Planted in every refused value: no response may repeat it. */
const MARK = "PLANTED";

const withOrder = (change: (order: ImportOrderInput["order"]) => void): ImportOrderInput => {
  const input = structuredClone(ex.importOrderInput);
  change(input.order);
  return input;
};

const statusOrders = (count: number): UpdateOrderStatusInput["orders"] =>
  Array.from({ length: count }, (_, i) => ({
    resourceId: `order-${100_000 + i}`,
    category: "VIRTUAL_GOODS" as const,
    status: "COMPLETED" as const,
  }));

/** A response that names no planted value, in any of the forms JSON may spell it. */
function expectNoEcho(text: string, ...also: string[]) {
  expect(text).not.toContain(MARK);
  expect(text.toLowerCase()).not.toContain("\\ud800");
  expect(text.toLowerCase()).not.toContain("\\udc00");
  expect(text).not.toContain("\\u0000");
  expect(text).not.toContain("\\u001b");
  expect(text).not.toContain("\u202e");
  for (const value of also) expect(text).not.toContain(value);
}

describe("text and batch limits", () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());
  beforeEach(() => h.emulator.clearRequests());
  // Nothing reached Baidu, not even a token request: refused input is refused before it is
  // recorded, and the inputs at the limits are sent as dry runs.
  afterEach(() => expect(h.emulator.requests).toEqual([]));

  describe("ids and codes", () => {
    it("refuses NUL, a bidi override and a lone surrogate, each with the field's path, never the value", async () => {
      const input = withOrder((order) => {
        order.resourceId = `2221554346520\u202E${MARK}`;
        order.products[0]!.productId = `${MARK}\uD800`;
      });
      input.openId = `buyer\u0000${MARK}`;
      const { status, body, text } = await h.send(ImportOrderDocument, { input });
      expect(status).toBe(200);
      expect(body).toEqual(
        badInput("importOrder", [
          // The input's own fields first, then those it inherits (the target's), as class-validator
          // reports them.
          { path: "input.order.resourceId", message: "must not contain bidirectional controls" },
          {
            path: "input.order.products[0].productId",
            message: "must not contain lone surrogates",
          },
          { path: "input.openId", message: "must not contain control characters" },
        ]),
      );
      expectNoEcho(text);
    });

    it("refuses ESC and CR/LF in tracking numbers and courier codes, and a bidi override in a courier name", async () => {
      const input = structuredClone(ex.updateOrderLogisticsInput);
      input.express[0] = {
        trackingNumber: `SF\r\n${MARK}`,
        courierName: `顺丰\u202E${MARK}`,
        courierCode: `\u001b[31m${MARK}`,
        type: "TO_USER",
      };
      const { body, text } = await h.send(UpdateOrderLogisticsDocument, { input });
      expect(body).toEqual(
        badInput("updateOrderLogistics", [
          {
            path: "input.express[0].trackingNumber",
            message: "must not contain control characters",
          },
          {
            path: "input.express[0].courierName",
            message: "must not contain bidirectional controls",
          },
          { path: "input.express[0].courierCode", message: "must not contain control characters" },
        ]),
      );
      expectNoEcho(text);
    });

    it("refuses white space at either end of an id and invisible characters in it, and reports a blank id once", async () => {
      const input = structuredClone(ex.updateAfterSaleOrderStatusInput);
      input.resourceId = "   ";
      input.swanId = null;
      input.openId = `${MARK}\u200B`;
      input.afterSale.items = [
        { subOrderId: ` ${MARK}`, status: "REFUNDED" },
        { subOrderId: `${MARK}\u3000`, status: "REFUNDED" },
        { subOrderId: `\uFEFF${MARK} `, status: "REFUNDED" },
      ];
      const { body, text } = await h.send(UpdateAfterSaleOrderStatusDocument, { input });
      expect(body).toEqual(
        badInput("updateAfterSaleOrderStatus", [
          {
            path: "input.afterSale.items[0].subOrderId",
            message: "must not start or end with white space",
          },
          {
            path: "input.afterSale.items[1].subOrderId",
            message: "must not start or end with white space",
          },
          {
            path: "input.afterSale.items[2].subOrderId",
            message:
              "must not contain invisible formatting characters and must not start or end with white space",
          },
          { path: "input.openId", message: "must not contain invisible formatting characters" },
          { path: "input.resourceId", message: "must not be empty or blank" },
        ]),
      );
      expectNoEcho(text);
    });

    it("limits the cashier order id to the 19 digits of a Long", async () => {
      const twenty = "1".repeat(20);
      const { body, text } = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, sceneId: twenty },
      });
      expect(body).toEqual(
        badInput("updateOrderStatus", [
          { path: "input.sceneId", message: "must be at most 19 digits" },
        ]),
      );
      expect(text).not.toContain(twenty);
      // 19 digits, but past the largest Long.
      const past = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, sceneId: "9223372036854775808", dryRun: true },
      });
      expect(past.body).toEqual(
        badInput("updateOrderStatus", [
          {
            path: "input.sceneId",
            message: "must be at most 9223372036854775807 (the largest Long)",
          },
        ]),
      );
      const largest = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, sceneId: "9223372036854775807", dryRun: true },
      });
      expect(largest.body.errors).toBeUndefined();
      expect(largest.body.data?.updateOrderStatus.request?.query).toContainEqual({
        name: "scene_id",
        value: "9223372036854775807",
      });
    });

    it("checks the ledger's filters too", async () => {
      // Named from the argument that holds them, \`filter\`.
      const { status, body, text } = await h.send(DeliveriesDocument, {
        filter: { appKey: "K".repeat(65), resourceId: `${MARK}\u0000` },
      });
      expect(status).toBe(200);
      expect(body).toEqual(
        badInput("deliveries", [
          { path: "filter.appKey", message: "must be at most 64 characters" },
          { path: "filter.resourceId", message: "must not contain control characters" },
        ]),
      );
      expectNoEcho(text, "K".repeat(65));
    });
  });

  describe("free text", () => {
    it("refuses control characters (line breaks and tabs included), bidi controls and lone surrogates in titles, names and descriptions", async () => {
      const input = withOrder((order) => {
        order.title = `${MARK}\u0000`;
        const product = order.products[0]!;
        product.name = `苹果\n${MARK}`;
        product.description = `\u202E${MARK}.exe`;
        product.skuAttrs = [{ name: `规格\t${MARK}`, value: `5斤\uDC00${MARK}` }];
        order.payment.discounts = [{ name: `\u001b${MARK}`, value: 100, quantity: 1 }];
        order.payment.charges = [{ name: `运费\r${MARK}`, value: 100, quantity: 1 }];
        order.orderDetail = { ...order.orderDetail!, name: `\u2066${MARK}\u2069` };
      });
      const { body, text } = await h.send(ImportOrderDocument, { input });
      expect(body).toEqual(
        badInput("importOrder", [
          { path: "input.order.title", message: "must not contain control characters" },
          { path: "input.order.products[0].name", message: "must not contain control characters" },
          {
            path: "input.order.products[0].description",
            message: "must not contain bidirectional controls",
          },
          {
            path: "input.order.products[0].skuAttrs[0].name",
            message: "must not contain control characters",
          },
          {
            path: "input.order.products[0].skuAttrs[0].value",
            message: "must not contain lone surrogates",
          },
          {
            path: "input.order.payment.discounts[0].name",
            message: "must not contain control characters",
          },
          {
            path: "input.order.payment.charges[0].name",
            message: "must not contain control characters",
          },
          {
            path: "input.order.orderDetail.name",
            message: "must not contain bidirectional controls",
          },
        ]),
      );
      expectNoEcho(text);
    });

    it("takes inner spaces, Chinese, emoji and joiners in free text, and an empty link name", async () => {
      const input = withOrder((order) => {
        order.title = "  Red apples, 5 斤  ";
        order.products[0]!.name = "👨‍👩‍👧 family pack";
        order.orderDetail = { ...order.orderDetail!, name: "" };
      });
      const { body } = await h.send(ImportOrderDocument, { input: { ...input, dryRun: true } });
      expect(body.errors).toBeUndefined();
      const [item] = (
        body.data?.importOrder.request?.body as { Data: Array<Record<string, unknown>> }
      ).Data;
      expect(item!.Title).toBe("  Red apples, 5 斤  ");
    });
  });

  describe("schemes and URLs", () => {
    it("refuses white space, control, bidi and invisible characters and more than 2048 characters in links", async () => {
      const K = SHOP.appKey;
      const input = withOrder((order) => {
        order.orderDetail = {
          status: "CLICKABLE",
          swanSchema: `baiduboxapp://swan/${K}/pages/order?id=${MARK}\u0000`,
          h5Schema: `https://example.invalid/\u202E${MARK}`,
          iphoneSchema: `app://order\u200B${MARK}`,
          androidSchema: `app://order/${"x".repeat(2037)}`,
        };
        order.products[0]!.detailPage = {
          status: "CLICKABLE",
          swanSchema: `baiduboxapp://swan/${K}/pages/item?id=1 ${MARK}`,
        };
        order.products[0]!.images = [
          "https://example.invalid/a.jpeg",
          `https://example.invalid/${MARK}\u0000.jpeg`,
          `https://example.invalid/${MARK}\uD800`,
        ];
      });
      const { body, text } = await h.send(ImportOrderDocument, { input });
      expect(body).toEqual(
        badInput("importOrder", [
          {
            path: "input.order.products[0].images",
            message: "each image must not contain control characters or lone surrogates",
          },
          {
            path: "input.order.products[0].detailPage.swanSchema",
            message: "must look like baiduboxapp://swan/<32-character app key>/<page path>",
          },
          {
            path: "input.order.products[0].detailPage.swanSchema",
            message: "must not contain white space",
          },
          {
            path: "input.order.orderDetail.swanSchema",
            message: "must not contain control characters",
          },
          {
            path: "input.order.orderDetail.h5Schema",
            message: "must not contain bidirectional controls",
          },
          {
            path: "input.order.orderDetail.iphoneSchema",
            message: "must not contain invisible formatting characters",
          },
          {
            path: "input.order.orderDetail.androidSchema",
            message: "must be at most 2048 characters",
          },
        ]),
      );
      expectNoEcho(text, "x".repeat(100));
    });
  });

  describe("lengths", () => {
    it("refuses a 900 KB id with one violation that echoes nothing", async () => {
      const huge = "x".repeat(900_000);
      const input = {
        ...ex.updateOrderStatusInput,
        orders: [{ ...ex.updateOrderStatusInput.orders[0]!, resourceId: `${huge}${MARK}\u0000` }],
      };
      const { status, body, text } = await h.send(UpdateOrderStatusDocument, { input });
      expect(status).toBe(200);
      expect(body).toEqual(
        badInput("updateOrderStatus", [
          {
            path: "input.orders[0].resourceId",
            message: "must be at most 128 characters and must not contain control characters",
          },
        ]),
      );
      expect(text.length).toBeLessThan(1000);
      expectNoEcho(text, "x".repeat(50));
    });

    it("refuses a 450 KB title and a 450 KB scheme in one request", async () => {
      const huge = "苹".repeat(150_000) + MARK; // 450 KB of UTF-8
      const link = `https://example.invalid/${"y".repeat(450_000)}`;
      const input = withOrder((order) => {
        order.title = huge;
        order.orderDetail = { ...order.orderDetail!, h5Schema: link };
      });
      const { body, text } = await h.send(ImportOrderDocument, { input });
      expect(body).toEqual(
        badInput("importOrder", [
          { path: "input.order.title", message: "must be at most 256 characters" },
          { path: "input.order.orderDetail.h5Schema", message: "must be at most 2048 characters" },
        ]),
      );
      expectNoEcho(text, "苹苹苹", "y".repeat(50));
    });

    it("takes every text at its limit, counting characters rather than UTF-16 units", async () => {
      const input = withOrder((order) => {
        order.resourceId = "r".repeat(128);
        order.title = "苹".repeat(256);
        const product = order.products[0]!;
        product.productId = "😀".repeat(128); // 256 UTF-16 units
        product.name = "n".repeat(256);
        product.description = "d".repeat(1024);
        product.skuAttrs = [{ name: "s".repeat(256), value: "v".repeat(256) }];
        product.images = [`https://example.invalid/${"i".repeat(2048 - 24)}`];
        order.payment.discounts![0]!.name = "p".repeat(256);
        order.orderDetail = {
          status: "CLICKABLE",
          name: "o".repeat(256),
          swanSchema: `baiduboxapp://swan/${SHOP.appKey}/${"s".repeat(2048 - 52)}`,
          h5Schema: `https://example.invalid/${"h".repeat(2048 - 24)}`,
          iphoneSchema: `app://${"a".repeat(2048 - 6)}`,
          androidSchema: `app://${"a".repeat(2048 - 6)}`,
        };
      });
      input.openId = "o".repeat(128);
      const { body } = await h.send(ImportOrderDocument, { input: { ...input, dryRun: true } });
      expect(body.errors).toBeUndefined();
      expect(body.data?.importOrder.dryRun).toBe(true);

      const logistics = structuredClone(ex.updateOrderLogisticsInput);
      logistics.express = [
        {
          trackingNumber: "t".repeat(128),
          courierName: "c".repeat(256),
          courierCode: "C".repeat(64),
          type: "TO_USER",
        },
      ];
      const atLimit = await h.send(UpdateOrderLogisticsDocument, {
        input: { ...logistics, dryRun: true },
      });
      expect(atLimit.body.errors).toBeUndefined();
    });

    it("refuses one character more than each limit", async () => {
      const input = withOrder((order) => {
        order.resourceId = "r".repeat(129);
        order.title = "苹".repeat(257);
        const product = order.products[0]!;
        product.productId = "😀".repeat(129);
        product.name = "n".repeat(257);
        product.description = "d".repeat(1025);
        product.skuAttrs = [{ name: "s".repeat(257), value: "v".repeat(257) }];
        order.payment.discounts![0]!.name = "p".repeat(257);
        order.orderDetail = {
          status: "CLICKABLE",
          name: "o".repeat(257),
          swanSchema: `baiduboxapp://swan/${SHOP.appKey}/${"s".repeat(2049 - 52)}`,
          h5Schema: `https://example.invalid/${"h".repeat(2049 - 24)}`,
        };
      });
      input.openId = "o".repeat(129);
      const { body } = await h.send(ImportOrderDocument, { input });
      const over = (max: number) => `must be at most ${max} characters`;
      expect(body).toEqual(
        badInput("importOrder", [
          { path: "input.order.title", message: over(256) },
          { path: "input.order.resourceId", message: over(128) },
          { path: "input.order.products[0].productId", message: over(128) },
          { path: "input.order.products[0].name", message: over(256) },
          { path: "input.order.products[0].description", message: over(1024) },
          { path: "input.order.products[0].skuAttrs[0].name", message: over(256) },
          { path: "input.order.products[0].skuAttrs[0].value", message: over(256) },
          { path: "input.order.payment.discounts[0].name", message: over(256) },
          { path: "input.order.orderDetail.name", message: over(256) },
          { path: "input.order.orderDetail.swanSchema", message: over(2048) },
          { path: "input.order.orderDetail.h5Schema", message: over(2048) },
          { path: "input.openId", message: over(128) },
        ]),
      );

      const logistics = structuredClone(ex.updateOrderLogisticsInput);
      logistics.express = [
        {
          trackingNumber: "t".repeat(129),
          courierName: "c".repeat(257),
          courierCode: "C".repeat(65),
          type: "TO_USER",
        },
      ];
      const tooLong = await h.send(UpdateOrderLogisticsDocument, { input: logistics });
      expect(tooLong.body).toEqual(
        badInput("updateOrderLogistics", [
          { path: "input.express[0].trackingNumber", message: over(128) },
          { path: "input.express[0].courierName", message: over(256) },
          { path: "input.express[0].courierCode", message: over(64) },
        ]),
      );
    });
  });

  describe("batches and lists", () => {
    afterEach(() => setInputLimits(DEFAULT_INPUT_LIMITS));

    it("reports a list far past its limit alone, without checking its items", async () => {
      // 8,000 broken orders, under 1 MB: listing each one's problems made an answer of megabytes.
      const broken = statusOrders(8_000).map((order) => ({
        ...order,
        resourceId: `${order.resourceId}\u0000`,
      }));
      const { text, body } = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, orders: broken, dryRun: true },
      });
      expect(body).toEqual(
        badInput("updateOrderStatus", [
          { path: "input.orders", message: "must contain no more than 100 elements" },
        ]),
      );
      expect(text.length).toBeLessThan(1000);
      // Inside an order too (more than twice the limit), beside the other lists' problems, which
      // are not looked for.
      const order = structuredClone(ex.importOrderInput);
      order.order.products = Array.from({ length: 201 }, () => ({
        ...ex.importOrderInput.order.products[0]!,
        price: -1,
      }));
      order.order.payment.discounts = Array.from({ length: 41 }, () => ({
        name: "",
        value: 1,
        quantity: 1,
      }));
      expect((await h.send(ImportOrderDocument, { input: order })).body).toEqual(
        badInput("importOrder", [
          { path: "input.order.products", message: "must contain no more than 100 elements" },
          {
            path: "input.order.payment.discounts",
            message: "must contain no more than 20 elements",
          },
        ]),
      );
    });

    it("lists at most 100 violations, and counts the others", async () => {
      const broken = statusOrders(100).map((order) => ({
        ...order,
        resourceId: `${order.resourceId}\u0000`,
        category: "PHYSICAL_GOODS" as const,
        status: "SELLER_PROCESSING" as const,
      }));
      const { body } = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, orders: broken, dryRun: true },
      });
      const error = body.errors?.[0];
      const violations = error?.extensions?.violations as Array<{ path: string }>;
      expect(violations).toHaveLength(100);
      expect(violations[0]?.path).toBe("input.orders[0].resourceId");
      expect(error?.extensions?.moreViolations).toBe(100);
      expect(error?.message).toMatch(/; and 100 more$/);
    });

    it("refuses 10,001 orders in one updateOrderStatus call, and takes 100", async () => {
      const { status, body } = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, orders: statusOrders(10_001) },
      });
      expect(status).toBe(200);
      expect(body).toEqual(
        badInput("updateOrderStatus", [
          { path: "input.orders", message: "must contain no more than 100 elements" },
        ]),
      );
      expect(JSON.stringify(body)).not.toContain("order-1");

      const over = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, orders: statusOrders(101) },
      });
      expect(over.body).toEqual(
        badInput("updateOrderStatus", [
          { path: "input.orders", message: "must contain no more than 100 elements" },
        ]),
      );

      const max = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, orders: statusOrders(100), dryRun: true },
      });
      expect(max.body.errors).toBeUndefined();
      expect(
        (max.body.data?.updateOrderStatus.request?.body as { Data: unknown[] }).Data,
      ).toHaveLength(100);
    });

    it("takes the orders-per-call limit from the setting, read on every request", async () => {
      expect(getInputLimits()).toEqual({ maxOrdersPerCall: 100, maxAfterSaleItemsPerCall: 100 });
      setInputLimits({ maxOrdersPerCall: 3 });
      expect(getInputLimits()).toEqual({ maxOrdersPerCall: 3, maxAfterSaleItemsPerCall: 100 });
      const four = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, orders: statusOrders(4) },
      });
      expect(four.body).toEqual(
        badInput("updateOrderStatus", [
          { path: "input.orders", message: "must contain no more than 3 elements" },
        ]),
      );
      const three = await h.send(UpdateOrderStatusDocument, {
        input: { ...ex.updateOrderStatusInput, orders: statusOrders(3), dryRun: true },
      });
      expect(three.body.errors).toBeUndefined();
    });

    it("refuses a setting that is not a whole number of at least 1, and keeps the one in force", () => {
      for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => setInputLimits({ maxOrdersPerCall: bad })).toThrow(
          new RangeError("limits.maxOrdersPerCall must be a whole number of at least 1"),
        );
      }
      expect(() => setInputLimits({ maxOrdersPerCall: 5, maxAfterSaleItemsPerCall: 0 })).toThrow(
        new RangeError("limits.maxAfterSaleItemsPerCall must be a whole number of at least 1"),
      );
      expect(getInputLimits()).toEqual(DEFAULT_INPUT_LIMITS);
    });

    it("limits the after-sale orders of one call (maxAfterSaleItemsPerCall) and the products of each", async () => {
      const input = structuredClone(ex.updateAfterSaleOrderInput);
      const item = input.afterSale.items[0]!;
      const products = Array.from({ length: 101 }, (_, i) => ({
        productId: `p-${i}`,
        quantity: 1,
        amount: 0,
      }));
      input.afterSale.items = Array.from({ length: 101 }, (_, i) => ({
        ...item,
        subOrderId: `after-sale-${i}`,
      }));
      input.afterSale.items[0] = {
        ...item,
        refund: { amount: 0, products },
        returnedProducts: products,
      };
      const { body } = await h.send(UpdateAfterSaleOrderDocument, { input });
      expect(body).toEqual(
        badInput("updateAfterSaleOrder", [
          { path: "input.afterSale.items", message: "must contain no more than 100 elements" },
          {
            path: "input.afterSale.items[0].refund.products",
            message: "must contain no more than 100 elements",
          },
          {
            path: "input.afterSale.items[0].returnedProducts",
            message: "must contain no more than 100 elements",
          },
        ]),
      );

      setInputLimits({ maxAfterSaleItemsPerCall: 1 });
      const status = structuredClone(ex.updateAfterSaleOrderStatusInput);
      status.afterSale.items.push({ subOrderId: "another", status: "REFUNDED" });
      const two = await h.send(UpdateAfterSaleOrderStatusDocument, { input: status });
      expect(two.body).toEqual(
        badInput("updateAfterSaleOrderStatus", [
          { path: "input.afterSale.items", message: "must contain no more than 1 elements" },
        ]),
      );
    });

    it("limits product lines, payment lines and shipments, and takes them at their limits", async () => {
      const lines = (count: number) =>
        Array.from({ length: count }, (_, i) => ({ name: `line ${i}`, value: 0, quantity: 1 }));
      const order = (
        products: number,
        paymentLines: number,
        shipments: number,
      ): ImportOrderInput => {
        const input = withOrder((o) => {
          o.products = Array.from({ length: products }, (_, i) => ({
            productId: `p-${i}`,
            name: "n",
            quantity: 1,
            price: 0,
            payPrice: 0,
          }));
          o.payment = {
            ...o.payment,
            amount: 0,
            discounts: lines(paymentLines),
            charges: lines(paymentLines),
          };
          o.express = Array.from({ length: shipments }, (_, i) => ({
            trackingNumber: `SF${i}`,
            courierName: "顺丰快递",
            courierCode: "SFEXPRESS",
            type: "TO_USER",
          }));
        });
        return input;
      };
      const over = await h.send(ImportOrderDocument, { input: order(101, 21, 21) });
      expect(over.body).toEqual(
        badInput("importOrder", [
          { path: "input.order.products", message: "must contain no more than 100 elements" },
          {
            path: "input.order.payment.discounts",
            message: "must contain no more than 20 elements",
          },
          { path: "input.order.payment.charges", message: "must contain no more than 20 elements" },
          { path: "input.order.express", message: "must contain no more than 20 elements" },
        ]),
      );
      const atLimit = await h.send(ImportOrderDocument, {
        input: { ...order(100, 20, 20), dryRun: true },
      });
      expect(atLimit.body.errors).toBeUndefined();

      const logistics = structuredClone(ex.updateOrderLogisticsInput);
      logistics.express = Array.from({ length: 21 }, () => ({
        ...ex.updateOrderLogisticsInput.express[0]!,
      }));
      const shipments = await h.send(UpdateOrderLogisticsDocument, { input: logistics });
      expect(shipments.body).toEqual(
        badInput("updateOrderLogistics", [
          { path: "input.express", message: "must contain no more than 20 elements" },
        ]),
      );
    });
  });

  it("has a rule and a documented limit on every string and list input field", async () => {
    const schema = await createSchema();
    const classes = new Map(
      getTypeGraphQLMetadata().inputTypes.map((type) => [type.name, type.target]),
    );
    const storage = getMetadataStorage();
    const TEXT_RULES = ["identifier", "text", "link", "isIdempotencyKey", "isCashierOrderId"];
    const LIST_RULES = ["arrayMaxSize", "atMostPerCall"];
    const problems: string[] = [];
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isInputObjectType(type)) continue;
      const rules = storage.getTargetValidationMetadatas(
        classes.get(type.name)!,
        "",
        false,
        false,
        undefined,
      );
      for (const field of Object.values(type.getFields())) {
        const list = isListType(getNullableType(field.type));
        if (getNamedType(field.type).name !== "String" && !list) continue;
        checked++;
        const names = rules
          .filter((metadata) => metadata.propertyName === field.name)
          .map(
            (metadata) => storage.getTargetValidatorConstraints(metadata.constraintCls)[0]?.name,
          );
        if (!names.some((name) => (list ? LIST_RULES : TEXT_RULES).includes(name!)))
          problems.push(`${type.name}.${field.name}: no limit checked`);
        if (!/\bat most \d+|1–255/i.test(field.description ?? ""))
          problems.push(`${type.name}.${field.name}: no limit documented`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });
});
