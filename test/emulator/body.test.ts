import type { Emulator } from "../../src/emulator/server";
import { APP, call, getToken, mainItem, startTestEmulator, subItem, subsItem } from "./helpers";

describe("emulator body checks (contract §1.4)", () => {
  let emulator: Emulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await getToken(emulator);
  });
  afterEach(() => emulator.close());

  const expectParamError = (answer: { json: unknown }, name: string): void => {
    expect(answer.json).toEqual({ errno: 40001, msg: expect.stringContaining(name), data: [] });
  };

  it.each([
    ["a body that is not JSON", "Data=1"],
    ["a body without Data", { data: [mainItem("r1")] }],
    ["an empty Data array", { Data: [] }],
  ])("answers errno 40001 to %s", async (_label, body) => {
    expectParamError(await call(emulator, "updateMainStatus", token, body), "Data");
  });

  it("answers errno 40001 to an import of two orders at once and stores neither (contract §1.3)", async () => {
    const answer = await call(emulator, "addMainInfo", token, {
      Data: [mainItem("r1"), mainItem("r2")],
    });
    expectParamError(answer, "exactly one");
    expect(emulator.store.size).toBe(0);
  });

  it.each([
    ["CateID", { CateID: "1" }, "Data[0].CateID"],
    ["ResourceID", { ResourceID: "" }, "Data[0].ResourceID"],
    ["Title", { Title: undefined }, "Data[0].Title"],
    ["Ctime", { Ctime: undefined }, "Data[0].Ctime"],
    [
      "EXT.MainOrder.Payment",
      { EXT: { MainOrder: { Products: [] } } },
      "Data[0].EXT.MainOrder.Payment",
    ],
    [
      "EXT.MainOrder.Products",
      { EXT: { MainOrder: { Payment: { Method: 1, Amount: 0, IsPayment: true } } } },
      "Data[0].EXT.MainOrder.Products",
    ],
  ])("names a broken %s in an import", async (_label, change, name) => {
    const answer = await call(emulator, "addMainInfo", token, {
      Data: [{ ...mainItem("r1"), ...change }],
    });
    expectParamError(answer, name);
    expect(emulator.store.size).toBe(0);
  });

  it("names a BizAPPID that is not the token's app", async () => {
    const answer = await call(emulator, "addMainInfo", token, {
      Data: [mainItem("r1", { BizAPPID: "someone-else" })],
    });
    expectParamError(answer, "Data[0].BizAPPID");
  });

  it("changes nothing for any item when a later item of the request is broken", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    const item = (status: unknown) => ({
      CateID: 1,
      BizAPPID: APP.appKey,
      ResourceID: "r1",
      Status: status,
    });
    const answer = await call(emulator, "updateMainStatus", token, {
      Data: [item(200), item("done")],
    });
    expectParamError(answer, "Data[1].Status");
    expect(emulator.store.get(APP.appKey, "r1")?.record.Status).toBe(5);
  });

  it.each([
    ["SubOrderID", { SubOrderID: undefined }],
    ["SubStatus", { SubStatus: "" }],
    ["CTime", { CTime: undefined }],
    ["OrderType", { OrderType: undefined }],
  ])("names a missing after-sale %s in an append", async (field, change) => {
    const answer = await call(emulator, "appendSubInfo", token, {
      Data: [subsItem("r1", 401, [{ ...subItem("s1"), ...change }])],
    });
    expectParamError(answer, `Data[0].EXT.SubsOrder.Items[0].${field}`);
  });

  it("names a missing SubsOrder.Status in a status update", async () => {
    const body = {
      Data: [
        {
          ...subsItem("r1", 0, [{ SubOrderID: "s1", SubStatus: 402 }]),
          EXT: { SubsOrder: { Items: [] } },
        },
      ],
    };
    expectParamError(
      await call(emulator, "updateSubStatus", token, body),
      "Data[0].EXT.SubsOrder.Status",
    );
  });

  it("accepts status-only items in an after-sale status update", async () => {
    const answer = await call(emulator, "updateSubStatus", token, {
      Data: [subsItem("r1", 402, [{ SubOrderID: "s1", SubStatus: 402 }])],
    });
    expect(answer.json.errno).toBe(0);
  });

  it("names a broken Express entry in a logistics call", async () => {
    const express = [
      { ID: "SF1", Name: "顺丰快递", Code: "SFEXPRESS", Type: 1 },
      { ID: "SF2", Name: "顺丰快递", Code: "SFEXPRESS" },
    ];
    const body = {
      Data: [
        {
          CateID: 1,
          BizAPPID: APP.appKey,
          ResourceID: "r1",
          EXT: { MainOrder: { Express: express } },
        },
      ],
    };
    expectParamError(
      await call(emulator, "addMainLogistics", token, body),
      "Data[0].EXT.MainOrder.Express[1].Type",
    );
  });

  const logisticsWith = (Express: unknown) => ({
    Data: [{ CateID: 1, BizAPPID: APP.appKey, ResourceID: "r1", EXT: { MainOrder: { Express } } }],
  });
  const shipment = { ID: "SF1", Name: "顺丰快递", Code: "SFEXPRESS", Type: 1, Status: 0 };

  it("takes E7's Express as one object or as an array, since either may be Baidu's (contract §6.13)", async () => {
    for (const express of [shipment, [shipment], [shipment, { ...shipment, ID: "SF2" }]])
      expect(
        (await call(emulator, "addMainLogistics", token, logisticsWith(express))).json,
      ).toEqual({
        errno: 0,
        msg: "success",
        data: [{ biz_app_id: APP.appKey, cate_id: "1", resource_id: "r1", rows_affected: "0" }],
      });
  });

  it("names a broken field of a single Express object, and an Express that is neither shape", async () => {
    const { Type: _type, ...untyped } = shipment;
    expectParamError(
      await call(emulator, "addMainLogistics", token, logisticsWith(untyped)),
      "Data[0].EXT.MainOrder.Express.Type",
    );
    expect((await call(emulator, "addMainLogistics", token, logisticsWith("SF1"))).json).toEqual({
      errno: 40001,
      msg: "parameter error: Data[0].EXT.MainOrder.Express missing or invalid",
      data: [],
    });
  });

  it.each([
    ["object", [shipment], "must be one object"],
    ["array", shipment, "must be an array"],
  ] as const)(
    "takes only %s Express when told to, so a test can prove the shape the gateway sends",
    async (shape, other, problem) => {
      const strict = await startTestEmulator({ expressShape: shape });
      try {
        const strictToken = await getToken(strict);
        const answer = await call(strict, "addMainLogistics", strictToken, logisticsWith(other));
        expect(answer.json).toEqual({
          errno: 40001,
          msg: `parameter error: Data[0].EXT.MainOrder.Express ${problem} (this emulator requires that shape)`,
          data: [],
        });
        const same = shape === "object" ? shipment : [shipment];
        expect(
          (await call(strict, "addMainLogistics", strictToken, logisticsWith(same))).json.errno,
        ).toBe(0);
      } finally {
        await strict.close();
      }
    },
  );
});
