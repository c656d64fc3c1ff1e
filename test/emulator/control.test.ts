import type { Emulator } from "../../src/emulator/server";
import { APP, call, getToken, mainItem, send, startTestEmulator, USER_QUERY } from "./helpers";

describe("emulator request log and control routes", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startTestEmulator();
  });
  afterEach(() => emulator.close());

  const control = (path: string, init?: RequestInit) =>
    send(`${emulator.url}/__emulator/${path}`, init);

  it("records every Baidu request in arrival order, token requests included", async () => {
    const before = Date.now();
    const token = await getToken(emulator);
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    await call(emulator, "updateMainStatus", token, "not json");
    const after = Date.now();
    const times = emulator.requests.map((request) => request.receivedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]! >= before && times[2]! <= after).toBe(true);
    expect(emulator.requests.map((request) => request.path)).toEqual([
      "/oauth/2.0/token",
      "/rest/2.0/smartapp/ordercenter/app/add/main/info",
      "/rest/2.0/smartapp/ordercenter/app/update/main/status",
    ]);
    expect(emulator.requestsTo("addMainInfo")).toEqual([
      {
        method: "POST",
        path: "/rest/2.0/smartapp/ordercenter/app/add/main/info",
        query: { access_token: token, ...USER_QUERY },
        headers: expect.objectContaining({
          host: new URL(emulator.url).host,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(JSON.stringify({ Data: [mainItem("r1")] }))),
        }),
        body: { Data: [mainItem("r1")] },
        receivedAt: times[1],
        status: 200,
      },
    ]);
    expect(emulator.requestsTo("updateMainStatus")[0]!.body).toBe("not json");
    expect(emulator.requestsTo("token")[0]).toMatchObject({ method: "GET", body: undefined });
  });

  it("records each request's headers by lower-case name as they arrived, a repeated one joined", async () => {
    const headers = new Headers([
      ["Content-Type", "application/json;"],
      ["X-Trace", "a"],
      ["X-Trace", "b"],
    ]);
    await send(`${emulator.url}/oauth/2.0/token`, { headers });
    expect(emulator.requests[0]!.headers).toMatchObject({
      "content-type": "application/json;",
      "x-trace": "a, b",
    });
  });

  it("records the status each request was answered with, none for one never answered", async () => {
    const token = await getToken(emulator);
    emulator.faults.add({ route: "addMainInfo", kind: "http", status: 503 });
    emulator.faults.add({ route: "addMainInfo", kind: "errorCode", code: 18 });
    emulator.faults.add({ route: "addMainInfo", kind: "drop" });
    emulator.faults.add({ route: "addMainInfo", kind: "latency", ms: 20 });
    for (let i = 0; i < 4; i++)
      await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] }).catch(() => undefined);
    await send(`${emulator.url}/rest/2.0/smartapp/ordercenter/app/cancel`, { method: "POST" });
    // A scripted latency's answer, a drop's nothing, an unknown path's 404.
    expect(
      emulator.requests.map((request) => [request.path.split("/").pop(), request.status]),
    ).toEqual([
      ["token", 200],
      ["info", 503],
      ["info", 200],
      ["info", undefined],
      ["info", 200],
      ["cancel", 404],
    ]);
    expect("status" in emulator.requests[3]!).toBe(false);
    // The control route serves the same.
    expect((await control("requests")).json).toEqual(JSON.parse(JSON.stringify(emulator.requests)));
  });

  it("forgets the log on clearRequests()", async () => {
    await getToken(emulator);
    emulator.clearRequests();
    expect(emulator.requests).toEqual([]);
  });

  it("keeps only the newest requests beyond requestLogLimit", async () => {
    const small = await startTestEmulator({ requestLogLimit: 2 });
    for (const id of ["a", "b", "c"]) await send(`${small.url}/oauth/2.0/token?client_id=${id}`);
    await small.close();
    expect(small.requests.map((request) => request.query.client_id)).toEqual(["b", "c"]);
  });

  it("answers health", async () => {
    expect(await control("health")).toMatchObject({ status: 200, json: { ok: true } });
  });

  it("shows the stored orders as JSON", async () => {
    const token = await getToken(emulator);
    await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    const answer = await control("orders");
    expect(answer.json).toEqual([
      {
        bizAppId: APP.appKey,
        resourceId: "r1",
        openId: USER_QUERY.open_id,
        record: mainItem("r1"),
      },
    ]);
  });

  it("serves and clears the request log, and does not log control requests", async () => {
    await getToken(emulator);
    const log = await control("requests");
    expect(log.json).toEqual([
      expect.objectContaining({ method: "GET", path: "/oauth/2.0/token" }),
    ]);
    expect((await control("requests", { method: "DELETE" })).status).toBe(204);
    expect(emulator.requests).toEqual([]);
  });

  it("scripts a fault posted from another process", async () => {
    const fault = { route: "addMainInfo", kind: "errorCode", code: 111 };
    expect(await control("faults", { method: "POST", body: JSON.stringify(fault) })).toMatchObject({
      status: 201,
      json: fault,
    });
    expect((await control("faults")).json).toEqual([{ ...fault, times: 1 }]);
    const token = await getToken(emulator);
    expect(
      (await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] })).json.error_code,
    ).toBe(111);
    expect((await control("faults")).json).toEqual([]);
  });

  it("rejects a posted fault that is not valid with HTTP 400", async () => {
    const answer = await control("faults", {
      method: "POST",
      body: '{"route":"*","kind":"explode"}',
    });
    expect(answer).toMatchObject({ status: 400, json: { error: 'unknown fault kind "explode"' } });
    expect(emulator.faults.pending()).toEqual([]);
  });

  it("clears the pending faults on DELETE", async () => {
    emulator.faults.add({ route: "*", kind: "drop" });
    expect((await control("faults", { method: "DELETE" })).status).toBe(204);
    expect(emulator.faults.pending()).toEqual([]);
  });

  it("answers 404 to an unknown control route and error_code 3 to an unknown Baidu path", async () => {
    expect((await control("nothing")).status).toBe(404);
    const unknown = await send(`${emulator.url}/rest/2.0/smartapp/ordercenter/app/cancel`, {
      method: "POST",
    });
    expect(unknown).toMatchObject({ status: 404, json: { error_code: 3 } });
  });

  it("resolves close() while a keep-alive connection is still open", async () => {
    await getToken(emulator);
    await expect(emulator.close()).resolves.toBeUndefined();
  });
});
