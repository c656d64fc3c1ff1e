import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENDPOINTS, TOKEN_PATH } from "../src/baidu/endpoints";
import type { RecordedRequest } from "../src/emulator/server";
import { EXAMPLE_REQUEST } from "../src/dev/example";
import {
  AppendAfterSaleOrdersDocument,
  ImportOrderDocument,
  UpdateAfterSaleOrderDocument,
  UpdateAfterSaleOrderStatusDocument,
  UpdateOrderInfoDocument,
  UpdateOrderLogisticsDocument,
  UpdateOrderStatusDocument,
  UpdateOrderLogisticsTrackedDocument,
  type UpdateAfterSaleOrderInput,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { startHarness, type Harness, type HarnessOptions } from "./support/harness";

/**
 * Baidu's own example body for update/sub/info, verbatim from its doc page
 * (`ENDPOINTS.updateSubInfo.see`), kept in the repository.
 */
const fixture = JSON.parse(
  readFileSync(join(__dirname, "fixtures/update-sub-info.doc-example.json"), "utf8"),
);

/**
 * Every header the gateway sends Baidu: the JSON type Baidu's docs and SDKs name for a write
 * (contract §1.1), none on the bodiless token GET, and nothing else but what HTTP/1.1 needs.
 */
function expectedHeaders(h: Harness, request: RecordedRequest): Record<string, string> {
  const common = { host: new URL(h.emulator.url).host, connection: "keep-alive" };
  if (request.path === TOKEN_PATH) return common;
  return {
    ...common,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(JSON.stringify(request.body))),
  };
}

describe("the mapping to Baidu's wire format", () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.close());

  const lastCall = () => h.emulator.requests.filter((r) => !r.path.endsWith("/token")).at(-1)!;

  it("sends update/sub/info exactly as Baidu's doc example, with its two placeholders as real codes", async () => {
    // Baidu's example refers to order 2221554346520 and after-sale order onlyOne: create them
    // first.
    const seeded = structuredClone(fixture.Data[0]);
    seeded.EXT.SubsOrder.Status = 400;
    seeded.EXT.SubsOrder.Items[0].SubStatus = 400;
    h.emulator.store.addMainInfo(
      { ...seeded, Title: "t", Ctime: 1571026201, Mtime: 1571026201, Status: 200 },
      { openId: EXAMPLE_REQUEST.variables.input.openId },
    );

    // The README's example (src/dev/example.ts), with the item status changed so that each of the
    // doc's two placeholders gets a different code.
    const input = structuredClone(EXAMPLE_REQUEST.variables.input) as UpdateAfterSaleOrderInput;
    input.afterSale.items[0]!.status = "APPLIED";
    const { body } = await h.send(UpdateAfterSaleOrderDocument, { input });

    const expected = structuredClone(fixture);
    expected.Data[0].EXT.SubsOrder.Status = 401; // the doc's placeholder 0
    expected.Data[0].EXT.SubsOrder.Items[0].SubStatus = 400; // the doc's placeholder ""
    expect(lastCall().path).toBe("/rest/2.0/smartapp/ordercenter/app/update/sub/info");
    expect(lastCall().body).toEqual(expected);
    expect(body).toEqual({
      data: {
        updateAfterSaleOrder: {
          dryRun: false,
          allApplied: true,
          results: [
            {
              resourceId: "2221554346520",
              appKey: "a392qXwK8L5GDUWhFoC01cKwoy7tmehg",
              categoryCode: 2,
              rowsAffected: 1,
              applied: true,
            },
          ],
          request: null,
        },
      },
    });
  });

  it("sends every endpoint's example body and query string of the contract (§1.5), in a realistic order", async () => {
    const steps = [
      {
        doc: ImportOrderDocument,
        input: ex.importOrderInput,
        path: ENDPOINTS.addMainInfo.path,
        body: ex.importOrderBody,
        field: "importOrder",
      },
      {
        doc: UpdateOrderInfoDocument,
        input: ex.updateOrderInfoInput,
        path: ENDPOINTS.updateMainInfo.path,
        body: ex.updateOrderInfoBody,
        field: "updateOrderInfo",
      },
      {
        doc: UpdateOrderLogisticsDocument,
        input: ex.updateOrderLogisticsInput,
        path: ENDPOINTS.addMainLogistics.path,
        body: ex.logisticsBody,
        field: "updateOrderLogistics",
      },
      {
        doc: AppendAfterSaleOrdersDocument,
        input: ex.appendAfterSaleOrdersInput,
        path: ENDPOINTS.appendSubInfo.path,
        body: ex.afterSaleBody,
        field: "appendAfterSaleOrders",
      },
      {
        doc: UpdateAfterSaleOrderDocument,
        input: ex.updateAfterSaleOrderInput,
        path: ENDPOINTS.updateSubInfo.path,
        body: ex.afterSaleBody,
        field: "updateAfterSaleOrder",
      },
      {
        doc: UpdateAfterSaleOrderStatusDocument,
        input: ex.updateAfterSaleOrderStatusInput,
        path: ENDPOINTS.updateSubStatus.path,
        body: ex.afterSaleStatusBody,
        field: "updateAfterSaleOrderStatus",
      },
    ] as const;
    for (const step of steps) {
      const { body } = await h.send(step.doc as never, { input: step.input } as never);
      const call = lastCall();
      expect({ field: step.field, path: call.path, body: call.body }).toEqual({
        field: step.field,
        path: step.path,
        body: step.body,
      });
      const { access_token, ...query } = call.query;
      expect(access_token).toMatch(/^24\./);
      expect(query).toEqual(ex.exampleQuery);
      expect(call.headers).toEqual(expectedHeaders(h, call));
      expect((body.data as Record<string, { allApplied: boolean }>)[step.field].allApplied).toBe(
        true,
      );
    }
  });

  it("sends a token request with no content type, and every write as application/json (contract §1.1)", async () => {
    await h.send(ImportOrderDocument, { input: ex.importOrderInput });
    const [token, write] = h.emulator.requests;
    expect([token!.method, token!.path, token!.headers]).toEqual([
      "GET",
      TOKEN_PATH,
      expectedHeaders(h, token!),
    ]);
    expect(write!.headers).toEqual(expectedHeaders(h, write!));
    expect(write!.headers["content-type"]).toBe("application/json");
  });

  it("sends the batch status update as one call and reports each order, the missing one as not applied", async () => {
    await h.send(ImportOrderDocument, { input: ex.importOrderInput });
    const { body } = await h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput });
    expect(lastCall().path).toBe(ENDPOINTS.updateMainStatus.path);
    expect(lastCall().body).toEqual(ex.updateOrderStatusBody);
    expect(body.data?.updateOrderStatus).toEqual({
      dryRun: false,
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
    });
  });
});

/** contract §1.4.7, §6.13: which body Baidu's server takes is unknown; the shape is a setting. */
describe("E7's Express shape (baidu.logistics.expressShape)", () => {
  let h: Harness;
  const start = async (options: HarnessOptions) => {
    h = await startHarness(options);
    ex.seedExampleOrders(h.emulator, { afterSale: false });
  };
  afterEach(() => h.close());

  const lastLogistics = () => h.emulator.requestsTo("addMainLogistics").at(-1)!;
  const applied = {
    dryRun: false,
    allApplied: true,
    results: [
      {
        resourceId: "2221554346520",
        appKey: ex.updateOrderLogisticsInput.appKey,
        categoryCode: 1,
        rowsAffected: 1,
        applied: true,
      },
    ],
    request: null,
  };

  it("sends one Express object by default, as Baidu's Go, PHP and C# SDKs do, to an emulator that takes only that", async () => {
    await start({ emulator: { expressShape: "object" } });
    const { body } = await h.send(UpdateOrderLogisticsDocument, {
      input: ex.updateOrderLogisticsInput,
    });
    expect(body).toEqual({ data: { updateOrderLogistics: applied } });
    expect(lastLogistics().body).toEqual(ex.logisticsBody);
    expect(lastLogistics().headers).toEqual(expectedHeaders(h, lastLogistics()));
    expect(
      h.emulator.store.get(ex.updateOrderLogisticsInput.appKey, "2221554346520")!.record.EXT,
    ).toMatchObject({ MainOrder: { Express: [ex.logisticsBody.Data[0]!.EXT.MainOrder.Express] } });
  });

  it("sends an array of up to 20 with the array shape, as Baidu's Java bean does, to an emulator that takes only arrays", async () => {
    await start({
      baidu: { wire: { expressShape: "array", detailPageStatus: "integer" } },
      emulator: { expressShape: "array" },
    });
    const [first] = ex.updateOrderLogisticsInput.express;
    const second = { ...first!, trackingNumber: "SF0000000002" };
    const { body } = await h.send(UpdateOrderLogisticsDocument, {
      input: { ...ex.updateOrderLogisticsInput, express: [first!, second] },
    });
    expect(body).toEqual({ data: { updateOrderLogistics: applied } });
    const [shipment] = ex.logisticsArrayBody.Data[0]!.EXT.MainOrder.Express;
    expect(lastLogistics().body).toEqual({
      Data: [
        {
          ...ex.logisticsArrayBody.Data[0],
          EXT: { MainOrder: { Express: [shipment, { ...shipment, ID: "SF0000000002" }] } },
        },
      ],
    });
  });

  it("refuses a second tracking number in the object shape, naming the setting, before anything is recorded or sent", async () => {
    await start({});
    const [first] = ex.updateOrderLogisticsInput.express;
    const { body } = await h.send(UpdateOrderLogisticsTrackedDocument, {
      input: { ...ex.updateOrderLogisticsInput, express: [first!, first!] },
    });
    const message =
      "must hold exactly one shipment while the setting baidu.logistics.expressShape is object (one Express object a call, as Baidu's SDKs generated from its newer doc send it): send one tracking number a call, or set the setting to array";
    expect(body).toEqual({
      errors: [
        {
          message: `Invalid input: input.express: ${message}`,
          locations: [{ line: 2, column: 3 }],
          path: ["updateOrderLogistics"],
          extensions: {
            code: "BAD_USER_INPUT",
            violations: [{ path: "input.express", message }],
          },
        },
      ],
      data: null,
    });
    expect(h.emulator.requests).toEqual([]);
    expect(await h.sql.query("select id from deliveries")).toEqual([]);
  });

  it("is refused with errno 40001 by an emulator that takes only the other shape", async () => {
    await start({ emulator: { expressShape: "array" } });
    const { body } = await h.send(UpdateOrderLogisticsDocument, {
      input: ex.updateOrderLogisticsInput,
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: "BAIDU_REJECTED",
      errno: 40001,
      baiduMessage:
        "parameter error: Data[0].EXT.MainOrder.Express must be an array (this emulator requires that shape)",
    });
  });
});

/** contract §1.4.5, §6.6: the generated SDKs quote the Status of product and after-sale links. */
describe("DetailPage.Status (baidu.detailPage.statusType)", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("sends the documented integer by default and, set to string, the text the generated SDKs send in product and after-sale links, which the emulator takes", async () => {
    h = await startHarness({
      baidu: { wire: { expressShape: "object", detailPageStatus: "string" } },
    });
    await h.send(ImportOrderDocument, { input: ex.importOrderInput });
    const { body } = await h.send(AppendAfterSaleOrdersDocument, {
      input: ex.appendAfterSaleOrdersInput,
    });
    expect(body.data?.appendAfterSaleOrders.allApplied).toBe(true);
    const [imported] = ex.importOrderBody.Data;
    const product = imported!.EXT.MainOrder.Products[0]!;
    expect(h.emulator.requestsTo("addMainInfo")[0]!.body).toEqual({
      Data: [
        {
          ...imported,
          EXT: {
            MainOrder: {
              ...imported!.EXT.MainOrder,
              Products: [{ ...product, DetailPage: { ...product.DetailPage, Status: "2" } }],
            },
          },
        },
      ],
    });
    const [item] = ex.afterSaleBody.Data[0]!.EXT.SubsOrder.Items;
    expect(h.emulator.requestsTo("appendSubInfo")[0]!.body).toMatchObject({
      Data: [
        {
          EXT: {
            SubsOrder: { Items: [{ ...item, OrderDetail: { ...item!.OrderDetail, Status: "2" } }] },
          },
        },
      ],
    });
  });
});
