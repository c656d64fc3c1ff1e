import {
  AppendAfterSaleOrdersTrackedDocument,
  ImportOrderTrackedDocument,
  UpdateAfterSaleOrderStatusTrackedDocument,
  UpdateAfterSaleOrderTrackedDocument,
  UpdateOrderInfoTrackedDocument,
  UpdateOrderLogisticsDocument,
  UpdateOrderLogisticsTrackedDocument,
  UpdateOrderStatusTrackedDocument,
  type ImportOrderInput,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { SHOP, startHarness, testClock, type Harness } from "./support/harness";
import { STORE_KINDS } from "./support/store";

/** An input with the user and the cashier payment left out, for the gateway to fill in. */
function withoutIds<T extends { openId?: unknown; sceneId?: unknown; sceneType?: unknown }>(
  input: T,
): T {
  const { openId: _openId, sceneId: _sceneId, sceneType: _sceneType, ...rest } = input;
  return rest as T;
}

const importOf = (resourceId: string, extra: Partial<ImportOrderInput> = {}): ImportOrderInput => ({
  ...ex.importOrderInput,
  ...extra,
  order: { ...ex.importOrderInput.order, resourceId },
});

const query = (sceneId: string, sceneType: string) => [
  { name: "open_id", value: ex.importOrderInput.openId! },
  { name: "scene_id", value: sceneId },
  { name: "scene_type", value: sceneType },
  { name: "pm_app_key", value: SHOP.pmAppKey },
];

/** What formatError makes of violations (README, "Errors"). */
const refused = (field: string, violations: Array<{ path: string; message: string }>) => ({
  errors: [
    {
      message: `Invalid input: ${violations.map((v) => `${v.path}: ${v.message}`).join("; ")}`,
      locations: [{ line: 2, column: 3 }],
      path: [field],
      extensions: { code: "BAD_USER_INPUT", violations },
    },
  ],
  data: null,
});

const ONLY_IMPORTED = "only for an order whose importOrder its ledger holds";

describe.each(STORE_KINDS)("the ids an order was imported with, on %s", (store) => {
  // The first store of a file opens in seconds on a busy machine: room beyond jest's 5 s.
  jest.setTimeout(20_000);
  let h: Harness;
  beforeEach(async () => (h = await startHarness({ store })));
  afterEach(() => h.close());

  const deliveries = async () =>
    (await h.sql.query<{ id: number }>("select id from deliveries order by id")).map((r) => r.id);

  it("sends every later write that leaves them out with the import's, scene_id included, as Baidu's SDKs do", async () => {
    await h.send(ImportOrderTrackedDocument, { input: { ...ex.importOrderInput, sceneType: 3 } });
    const expected = query("159259079195", "3");
    const writes = [
      () => h.send(UpdateOrderInfoTrackedDocument, { input: withoutIds(ex.updateOrderInfoInput) }),
      () =>
        h.send(UpdateOrderLogisticsTrackedDocument, {
          input: withoutIds(ex.updateOrderLogisticsInput),
        }),
      () =>
        h.send(AppendAfterSaleOrdersTrackedDocument, {
          input: withoutIds(ex.appendAfterSaleOrdersInput),
        }),
      () =>
        h.send(UpdateAfterSaleOrderTrackedDocument, {
          input: withoutIds(ex.updateAfterSaleOrderInput),
        }),
      () =>
        h.send(UpdateAfterSaleOrderStatusTrackedDocument, {
          input: withoutIds(ex.updateAfterSaleOrderStatusInput),
        }),
      () =>
        h.send(UpdateOrderStatusTrackedDocument, {
          input: withoutIds({
            ...ex.updateOrderStatusInput,
            orders: ex.updateOrderStatusInput.orders.slice(0, 1),
          }),
        }),
    ];
    for (const send of writes) {
      const { body } = await send();
      const payload = Object.values(body.data ?? {})[0] as {
        allApplied: boolean;
        delivery: { request: { query: unknown } };
      };
      expect({ errors: body.errors, allApplied: payload.allApplied }).toEqual({
        errors: undefined,
        allApplied: true,
      });
      expect(payload.delivery.request.query).toEqual(expected);
      const { access_token: _token, ...sent } = h.emulator.requests.at(-1)!.query;
      expect(sent).toEqual(Object.fromEntries(expected.map((p) => [p.name, p.value])));
    }
  });

  it("shows the ids it filled in on a dry run's request", async () => {
    await h.send(ImportOrderTrackedDocument, { input: ex.importOrderInput });
    const { body } = await h.send(UpdateOrderLogisticsDocument, {
      input: { ...withoutIds(ex.updateOrderLogisticsInput), dryRun: true },
    });
    expect(body.data?.updateOrderLogistics.request?.query).toEqual(query("159259079195", "2"));
    expect(h.emulator.requestsTo("addMainLogistics")).toEqual([]);
    expect(await deliveries()).toEqual([1]);
  });

  it("takes the ids of the newest import of the order", async () => {
    await h.send(ImportOrderTrackedDocument, { input: ex.importOrderInput });
    await h.send(ImportOrderTrackedDocument, {
      input: { ...ex.importOrderInput, sceneId: "42", sceneType: 1 },
    });
    const { body } = await h.send(UpdateOrderLogisticsTrackedDocument, {
      input: withoutIds(ex.updateOrderLogisticsInput),
    });
    expect(body.data?.updateOrderLogistics.delivery?.request.query).toEqual(query("42", "1"));
  });

  it("refuses given ids that do not match the import, naming each field, before anything is recorded or sent", async () => {
    await h.send(ImportOrderTrackedDocument, { input: ex.importOrderInput });
    const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...ex.updateOrderInfoInput, openId: "someone-else", sceneId: "1", sceneType: 1 },
    });
    const of = "the order was imported with (importOrder delivery 1)";
    expect(body).toEqual(
      refused("updateOrderInfo", [
        {
          path: "input.openId",
          message: `does not match the user ${of}; leave openId and swanId out to send the import's`,
        },
        {
          path: "input.sceneId",
          message: `does not match the sceneId ${of}; leave it out to send the import's`,
        },
        {
          path: "input.sceneType",
          message: `does not match the sceneType ${of}; leave it out to send the import's`,
        },
      ]),
    );
    const { body: guest } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...withoutIds(ex.updateOrderInfoInput), swanId: "a-guest-device" },
    });
    expect(guest.errors?.[0]?.extensions?.violations).toEqual([
      {
        path: "input.swanId",
        message: `does not match the user ${of}; leave openId and swanId out to send the import's`,
      },
    ]);
    expect(h.emulator.requestsTo("updateMainInfo")).toEqual([]);
    expect(await deliveries()).toEqual([1]);
  });

  it("keeps the input's own rules for an order whose import the ledger does not hold", async () => {
    const noScene = await h.send(UpdateOrderLogisticsTrackedDocument, {
      input: { ...ex.updateOrderLogisticsInput, sceneId: null },
    });
    expect(noScene.body).toEqual(
      refused("updateOrderLogistics", [
        {
          path: "input.sceneId",
          message: `is required by Baidu on this endpoint; the gateway fills it in ${ONLY_IMPORTED}`,
        },
      ]),
    );
    const noUser = await h.send(UpdateOrderInfoTrackedDocument, {
      input: withoutIds(ex.updateOrderInfoInput),
    });
    expect(noUser.body).toEqual(
      refused("updateOrderInfo", [
        {
          path: "input.openId",
          message: `give exactly one of openId and swanId; the gateway fills them in ${ONLY_IMPORTED}`,
        },
      ]),
    );
    const both = await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...ex.updateOrderInfoInput, swanId: "a-guest-device" },
    });
    expect(both.body.errors?.[0]?.extensions?.violations).toEqual([
      {
        path: "input.openId",
        message: "give at most one of openId and swanId; leave both out to send the import's",
      },
    ]);
    expect(await deliveries()).toEqual([]);
    // Where Baidu does not require scene_id, a write without one goes out without one, as before.
    const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: { ...ex.updateOrderInfoInput, sceneId: null },
    });
    expect(body.data?.updateOrderInfo.delivery?.request.query).toEqual([
      { name: "open_id", value: ex.importOrderInput.openId },
      { name: "scene_type", value: "2" },
      { name: "pm_app_key", value: SHOP.pmAppKey },
    ]);
  });

  it("still fills them in after retention has removed the import's delivery", async () => {
    await h.close();
    const clock = testClock();
    h = await startHarness({ store, clock: clock.clock });
    await h.send(ImportOrderTrackedDocument, { input: { ...ex.importOrderInput, sceneType: 3 } });
    await h.close();
    clock.advance(31 * 86_400_000);
    h = await startHarness({ store, clock: clock.clock, keepStore: true });
    expect(await deliveries()).toEqual([]);
    const { body } = await h.send(UpdateOrderInfoTrackedDocument, {
      input: withoutIds(ex.updateOrderInfoInput),
    });
    expect(body.data?.updateOrderInfo.delivery?.request.query).toEqual(query("159259079195", "3"));
  });

  it("does not count an import Baidu refused", async () => {
    h.emulator.faults.add({ route: "addMainInfo", kind: "errno", errno: 40001 });
    const { body: rejected } = await h.send(ImportOrderTrackedDocument, {
      input: ex.importOrderInput,
    });
    expect(rejected.errors?.[0]?.extensions?.code).toBe("BAIDU_REJECTED");
    const { body } = await h.send(UpdateOrderLogisticsTrackedDocument, {
      input: withoutIds(ex.updateOrderLogisticsInput),
    });
    expect(body.errors?.[0]?.extensions?.violations).toEqual([
      {
        path: "input.openId",
        message: `give exactly one of openId and swanId; the gateway fills them in ${ONLY_IMPORTED}`,
      },
      {
        path: "input.sceneId",
        message: `is required by Baidu on this endpoint; the gateway fills it in ${ONLY_IMPORTED}`,
      },
    ]);
  });

  it("fills a batch status update from its orders' imports, and refuses a batch whose imports disagree or do not cover every order", async () => {
    await h.send(ImportOrderTrackedDocument, { input: importOf("A") });
    await h.send(ImportOrderTrackedDocument, { input: importOf("B", { sceneId: "77" }) });
    const completed = (...resourceIds: string[]) =>
      resourceIds.map((resourceId) => ({
        resourceId,
        category: "PHYSICAL_GOODS" as const,
        status: "COMPLETED" as const,
      }));
    const status = (...resourceIds: string[]) =>
      h.send(UpdateOrderStatusTrackedDocument, {
        input: withoutIds({ ...ex.updateOrderStatusInput, orders: completed(...resourceIds) }),
      });
    // An order the ledger does not know (C) does not go with the ids of the one it knows: they
    // may be another user's.
    const partly = await status("A", "C");
    expect(partly.body).toEqual(
      refused("updateOrderStatus", [
        {
          path: "input.openId",
          message:
            "input.orders[1] has no import in the ledger to take the user from (input.orders[0] was imported with one); give openId or swanId, or write them in separate calls",
        },
        {
          path: "input.sceneId",
          message:
            "input.orders[1] has no import in the ledger to take the sceneId from (input.orders[0] was imported with one); give it, or write them in separate calls",
        },
      ]),
    );
    expect(h.emulator.requestsTo("updateMainStatus")).toEqual([]);
    const mixed = await status("A", "B");
    expect(mixed.body).toEqual(
      refused("updateOrderStatus", [
        {
          path: "input.sceneId",
          message:
            "input.orders[0] and input.orders[1] were imported with different sceneIds; write them in separate calls",
        },
      ]),
    );
    const given = await h.send(UpdateOrderStatusTrackedDocument, {
      input: {
        ...ex.updateOrderStatusInput,
        sceneId: "77",
        orders: completed("A", "B"),
      },
    });
    expect(given.body.errors?.[0]?.extensions?.violations).toEqual([
      {
        path: "input.sceneId",
        message:
          "does not match the sceneId input.orders[0] was imported with (importOrder delivery 1); leave it out to send the import's",
      },
    ]);
  });
});
