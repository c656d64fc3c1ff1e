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

describe("emulator after-sale endpoints (contract §1.3)", () => {
  let emulator: Emulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await getToken(emulator);
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
  });
  afterEach(() => emulator.close());

  const subs = () => emulator.store.get(APP.appKey, "r1")?.record.EXT?.SubsOrder;
  const append = (items: object[], status = 401, resourceId = "r1") =>
    call(emulator, "appendSubInfo", token, { Data: [subsItem(resourceId, status, items)] });

  it("answers rows_affected 0 to an append for an order that was never imported", async () => {
    expect(rows(await append([subItem("s1")], 401, "missing"))).toEqual(["0"]);
  });

  it("appends after-sale orders after the stored ones and sets the roll-up Status", async () => {
    expect(rows(await append([subItem("s1")]))).toEqual(["1"]);
    expect(rows(await append([subItem("s2", 400), subItem("s3", 400)], 400))).toEqual(["1"]);
    expect(subs()).toEqual({
      Status: 400,
      Items: [subItem("s1"), subItem("s2", 400), subItem("s3", 400)],
    });
  });

  it("fails an append item whose SubOrderID already exists and appends none of its after-sale orders", async () => {
    await append([subItem("s1")]);
    const answer = await call(emulator, "appendSubInfo", token, {
      Data: [
        subsItem("r1", 402, [subItem("s2"), subItem("s1")]),
        subsItem("r1", 401, [subItem("s3")]),
      ],
    });
    expect(rows(answer)).toEqual(["0", "1"]);
    expect(subs()!.Items.map((sub) => sub.SubOrderID)).toEqual(["s1", "s3"]);
  });

  it("fails an append that repeats a SubOrderID within the request", async () => {
    expect(rows(await append([subItem("s1"), subItem("s1")]))).toEqual(["0"]);
    expect(subs()).toBeUndefined();
  });

  it("replaces all after-sale info with the request's on an after-sale info update", async () => {
    await append([subItem("s1"), subItem("s2")]);
    const answer = await call(emulator, "updateSubInfo", token, {
      Data: [subsItem("r1", 402, [subItem("s2", 402)])],
    });
    expect(rows(answer)).toEqual(["1"]);
    expect(subs()).toEqual({ Status: 402, Items: [subItem("s2", 402)] });
  });

  it("answers rows_affected 0 to an after-sale info update naming an unknown SubOrderID", async () => {
    await append([subItem("s1")]);
    const answer = await call(emulator, "updateSubInfo", token, {
      Data: [subsItem("r1", 402, [subItem("s1", 402), subItem("s9", 402)])],
    });
    expect(rows(answer)).toEqual(["0"]);
    expect(subs()).toEqual({ Status: 401, Items: [subItem("s1")] });
  });

  it("answers rows_affected 0 to an after-sale info update of an unknown order", async () => {
    expect(
      rows(
        await call(emulator, "updateSubInfo", token, {
          Data: [subsItem("missing", 402, [subItem("s1")])],
        }),
      ),
    ).toEqual(["0"]);
  });

  it("sets each SubStatus and the roll-up Status on an after-sale status update", async () => {
    await append([subItem("s1"), subItem("s2")]);
    const answer = await call(emulator, "updateSubStatus", token, {
      Data: [subsItem("r1", 402, [{ SubOrderID: "s2", SubStatus: 402 }])],
    });
    expect(rows(answer)).toEqual(["1"]);
    expect(subs()).toEqual({ Status: 402, Items: [subItem("s1"), subItem("s2", 402)] });
  });

  it("answers rows_affected 0 to an after-sale status update naming an unknown SubOrderID", async () => {
    await append([subItem("s1")]);
    const answer = await call(emulator, "updateSubStatus", token, {
      Data: [
        subsItem("r1", 402, [
          { SubOrderID: "s1", SubStatus: 402 },
          { SubOrderID: "s9", SubStatus: 402 },
        ]),
      ],
    });
    expect(rows(answer)).toEqual(["0"]);
    expect(subs()).toEqual({ Status: 401, Items: [subItem("s1")] });
  });

  it("answers rows_affected 0 to an after-sale status update of an unknown order", async () => {
    const answer = await call(emulator, "updateSubStatus", token, {
      Data: [subsItem("missing", 402, [{ SubOrderID: "s1", SubStatus: 402 }])],
    });
    expect(rows(answer)).toEqual(["0"]);
  });
});
