import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENDPOINTS } from "../src/baidu/endpoints";
import { EXAMPLE_REQUEST } from "../src/dev/example";
import {
  AppendAfterSaleOrdersDocument,
  ImportOrderDocument,
  UpdateAfterSaleOrderDocument,
  UpdateAfterSaleOrderStatusDocument,
  UpdateOrderInfoDocument,
  UpdateOrderLogisticsDocument,
  UpdateOrderStatusDocument,
  type UpdateAfterSaleOrderInput,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { startHarness, type Harness } from "./support/harness";

/**
 * Baidu's own example body for update/sub/info, verbatim from its doc page
 * (`ENDPOINTS.updateSubInfo.see`), kept in the repository.
 */
const fixture = JSON.parse(
  readFileSync(join(__dirname, "fixtures/update-sub-info.doc-example.json"), "utf8"),
);

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
    // doc's
    // two placeholders gets a different code.
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
      expect((body.data as Record<string, { allApplied: boolean }>)[step.field].allApplied).toBe(
        true,
      );
    }
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
