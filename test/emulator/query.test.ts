import type { Emulator } from "../../src/emulator/server";
import { call, getToken, mainItem, startTestEmulator } from "./helpers";

describe("emulator query-string checks (contract §1.1)", () => {
  let emulator: Emulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await getToken(emulator);
  });
  afterEach(() => emulator.close());

  const add = (query: Record<string, string | undefined>) =>
    call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] }, query);

  it("accepts swan_id in place of open_id", async () => {
    expect((await add({ open_id: undefined, swan_id: "swan-guest-1" })).json.errno).toBe(0);
    expect(emulator.store.get(mainItem("r1").BizAPPID, "r1")).toMatchObject({
      swanId: "swan-guest-1",
    });
  });

  it.each([
    ["both open_id and swan_id", { swan_id: "swan-guest-1" }],
    ["neither open_id nor swan_id", { open_id: undefined }],
  ])("answers errno 40001 naming open_id/swan_id when it gets %s", async (_label, query) => {
    const answer = await add(query);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      errno: 40001,
      msg: expect.stringContaining("open_id/swan_id"),
      data: [],
    });
  });

  it("answers errno 40001 naming scene_id where the endpoint requires it", async () => {
    expect((await add({ scene_id: undefined })).json).toEqual({
      errno: 40001,
      msg: expect.stringContaining("scene_id"),
      data: [],
    });
  });

  it("accepts a call without scene_id where the endpoint does not require it", async () => {
    await add({});
    const body = { Data: [{ ...mainItem("r1"), EXT: { SubsOrder: { Status: 0, Items: [] } } }] };
    const answer = await call(emulator, "updateSubInfo", token, body, { scene_id: undefined });
    expect(answer.json.errno).toBe(0);
  });

  it("answers errno 40001 naming pm_app_key when it is missing", async () => {
    expect((await add({ pm_app_key: undefined })).json.msg).toContain("pm_app_key");
  });

  it("answers errno 40001 naming scene_type when it is not an integer", async () => {
    expect((await add({ scene_type: "cashier" })).json).toEqual({
      errno: 40001,
      msg: expect.stringContaining("scene_type"),
      data: [],
    });
  });

  it("accepts a call without scene_type", async () => {
    expect((await add({ scene_type: undefined })).json.errno).toBe(0);
  });

  it("stores nothing when the query is rejected", async () => {
    await add({ pm_app_key: undefined });
    expect(emulator.store.list()).toEqual([]);
  });
});
