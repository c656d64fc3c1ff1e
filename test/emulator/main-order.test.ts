import type { Emulator } from "../../src/emulator/server";
import {
  APP,
  call,
  getToken,
  mainItem,
  rows,
  startTestEmulator,
  subItem,
  subsItem,
} from "./helpers";

const EXPRESS = [{ ID: "SF1234567890", Name: "顺丰快递", Code: "SFEXPRESS", Type: 1, Status: 0 }];

describe("emulator main-order endpoints (contract §1.3)", () => {
  let emulator: Emulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await getToken(emulator);
  });
  afterEach(() => emulator.close());

  const stored = (resourceId: string) => emulator.store.get(APP.appKey, resourceId);
  const statusItem = (resourceId: string, status: number) => ({
    CateID: 1,
    BizAPPID: APP.appKey,
    ResourceID: resourceId,
    Status: status,
  });
  const logistics = (resourceId: string) => ({
    CateID: 1,
    BizAPPID: APP.appKey,
    ResourceID: resourceId,
    EXT: { MainOrder: { Express: EXPRESS } },
  });

  it("answers an import in Baidu's success shape with strings for cate_id and rows_affected (contract §3.1)", async () => {
    const answer = await call(emulator, "addMainInfo", token, {
      Data: [mainItem("2221554346520")],
    });
    expect(answer.text).toBe(
      `{"errno":0,"msg":"success","data":[{"biz_app_id":"${APP.appKey}","cate_id":"1","resource_id":"2221554346520","rows_affected":"1"}]}`,
    );
  });

  it("stores an imported order with the user it was imported for", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    expect(stored("r1")).toEqual({
      bizAppId: APP.appKey,
      resourceId: "r1",
      openId: "open-user-1",
      record: mainItem("r1"),
    });
  });

  it("overwrites the whole record, after-sale info included, when an order is imported again", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    await call(emulator, "appendSubInfo", token, { Data: [subsItem("r1", 401, [subItem("s1")])] });
    const again = mainItem("r1", { Title: "梨", Status: 200 });
    const answer = await call(
      emulator,
      "addMainInfo",
      token,
      { Data: [again] },
      { open_id: "open-user-2" },
    );
    expect(rows(answer)).toEqual(["1"]);
    expect(stored("r1")).toEqual({
      bizAppId: APP.appKey,
      resourceId: "r1",
      openId: "open-user-2",
      record: again,
    });
  });

  it("answers rows_affected 0 to an info update of an unknown order", async () => {
    const answer = await call(emulator, "updateMainInfo", token, { Data: [mainItem("missing")] });
    expect(answer.json.errno).toBe(0);
    expect(rows(answer)).toEqual(["0"]);
    expect(emulator.store.size).toBe(0);
  });

  it("replaces the main-order info and Status on an info update, keeping the rest", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    await call(emulator, "appendSubInfo", token, { Data: [subsItem("r1", 401, [subItem("s1")])] });
    const payment = { Method: 2, Amount: 100, IsPayment: false };
    const update = {
      CateID: 1,
      BizAPPID: APP.appKey,
      ResourceID: "r1",
      Status: 6,
      EXT: { MainOrder: { Products: [], Payment: payment } },
    };
    expect(rows(await call(emulator, "updateMainInfo", token, { Data: [update] }))).toEqual(["1"]);
    const record = stored("r1")!.record;
    expect(record).toMatchObject({
      Title: "苹果",
      Status: 6,
      EXT: { MainOrder: { Products: [], Payment: payment } },
    });
    expect(record.EXT?.SubsOrder?.Items.map((sub) => sub.SubOrderID)).toEqual(["s1"]);
  });

  it("replaces the after-sale info too when an info update sends SubsOrder", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    await call(emulator, "appendSubInfo", token, { Data: [subsItem("r1", 401, [subItem("s1")])] });
    const update = mainItem("r1");
    update.EXT!.SubsOrder = { Status: 402, Items: [subItem("s2", 402)] };
    await call(emulator, "updateMainInfo", token, { Data: [update] });
    expect(stored("r1")!.record.EXT?.SubsOrder).toEqual({
      Status: 402,
      Items: [subItem("s2", 402)],
    });
  });

  it("keeps the tracking numbers when an info update leaves Express out", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    await call(emulator, "addMainLogistics", token, { Data: [logistics("r1")] });
    await call(emulator, "updateMainInfo", token, { Data: [mainItem("r1", { Status: 6 })] });
    expect(stored("r1")!.record.EXT?.MainOrder?.Express).toEqual(EXPRESS);
  });

  it("sets the status of each known order in a batch and answers 0 for an unknown one", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    const answer = await call(emulator, "updateMainStatus", token, {
      Data: [statusItem("r1", 200), statusItem("missing", 200)],
    });
    expect(rows(answer)).toEqual(["1", "0"]);
    expect(stored("r1")!.record.Status).toBe(200);
    expect(stored("missing")).toBeUndefined();
  });

  it("answers rows_affected 0 to logistics for an unknown order", async () => {
    expect(
      rows(await call(emulator, "addMainLogistics", token, { Data: [logistics("missing")] })),
    ).toEqual(["0"]);
  });

  it("sets the tracking numbers of a known order, replacing earlier ones", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    const first = {
      ...logistics("r1"),
      EXT: { MainOrder: { Express: [{ ...EXPRESS[0], ID: "SF0" }] } },
    };
    await call(emulator, "addMainLogistics", token, { Data: [first] });
    expect(
      rows(await call(emulator, "addMainLogistics", token, { Data: [logistics("r1")] })),
    ).toEqual(["1"]);
    expect(stored("r1")!.record.EXT?.MainOrder).toMatchObject({
      Products: mainItem("r1").EXT!.MainOrder!.Products,
      Express: EXPRESS,
    });
  });

  it("keeps the one Express object of a logistics call as a list of one tracking number", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    const single = { ...logistics("r1"), EXT: { MainOrder: { Express: EXPRESS[0] } } };
    expect(rows(await call(emulator, "addMainLogistics", token, { Data: [single] }))).toEqual([
      "1",
    ]);
    expect(stored("r1")!.record.EXT?.MainOrder?.Express).toEqual(EXPRESS);
  });

  it("keys orders by app and ResourceID", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    expect(emulator.store.get("another-app", "r1")).toBeUndefined();
    expect(emulator.store.list().map((order) => order.resourceId)).toEqual(["r1"]);
  });

  it("hands out copies, so a test cannot change the store by accident", async () => {
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    stored("r1")!.record.Status = 999;
    expect(stored("r1")!.record.Status).toBe(5);
  });
});
