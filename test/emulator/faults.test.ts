import { performance } from "node:perf_hooks";
import type { Emulator } from "../../src/emulator/server";
import { call, getToken, mainItem, send, startTestEmulator, tokenUrl, until } from "./helpers";

const BODY = { Data: [mainItem("r1")] };

describe("emulator scripted faults", () => {
  let emulator: Emulator;
  let token: string;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    token = await getToken(emulator);
  });
  afterEach(async () => {
    expect(emulator.faults.pending()).toEqual([]);
    await emulator.close();
  });

  it("answers error_code with Baidu's text for the code (contract §3.3)", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "errorCode", code: 18 });
    const answer = await call(emulator, "addMainInfo", token, BODY);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"error_code":18,"error_msg":"Open api qps request limit reached"}');
  });

  it("answers error_code with the scripted message", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "errorCode", code: 2, msg: "busy" });
    expect((await call(emulator, "addMainInfo", token, BODY)).json).toEqual({
      error_code: 2,
      error_msg: "busy",
    });
  });

  it("answers errno with an empty data array", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "errno", errno: 50029 });
    emulator.faults.add({ route: "addMainInfo", kind: "errno", errno: 44003, msg: "TOKEN已过期" });
    expect((await call(emulator, "addMainInfo", token, BODY)).json).toEqual({
      errno: 50029,
      msg: "API call count exceeded",
      data: [],
    });
    expect((await call(emulator, "addMainInfo", token, BODY)).json).toEqual({
      errno: 44003,
      msg: "TOKEN已过期",
      data: [],
    });
  });

  it("answers an HTTP status with a short text body by default, or the scripted body", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "http", status: 502 });
    emulator.faults.add({
      route: "addMainInfo",
      kind: "http",
      status: 503,
      body: "<html>down</html>",
    });
    emulator.faults.add({ route: "addMainInfo", kind: "http", status: 500, body: { oops: true } });
    expect(await call(emulator, "addMainInfo", token, BODY)).toMatchObject({
      status: 502,
      text: "Bad Gateway",
    });
    expect(await call(emulator, "addMainInfo", token, BODY)).toMatchObject({
      status: 503,
      text: "<html>down</html>",
    });
    expect(await call(emulator, "addMainInfo", token, BODY)).toMatchObject({
      status: 500,
      json: { oops: true },
    });
  });

  it("answers HTTP 200 with a body that is not JSON for a malformed fault", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "malformed" });
    const answer = await call(emulator, "addMainInfo", token, BODY);
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.text)).toThrow(SyntaxError);
  });

  it("destroys the socket without answering for a drop fault", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "drop" });
    await expect(call(emulator, "addMainInfo", token, BODY)).rejects.toThrow();
    expect(emulator.store.size).toBe(0);
  });

  it("answers normally after the scripted latency", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "latency", ms: 50 });
    const started = performance.now();
    const answer = await call(emulator, "addMainInfo", token, BODY);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(answer.json.errno).toBe(0);
  });

  it("never answers a hang fault, and close() ends the request promptly", async () => {
    emulator.faults.add({ route: "token", kind: "hang" });
    const hanging = send(`${emulator.url}/oauth/2.0/token`);
    await until(() => emulator.requests.length === 2);
    expect(emulator.faults.pending()).toEqual([]);
    await emulator.close();
    await expect(hanging).rejects.toThrow();
  });

  it("fires a fault the given number of times, then answers normally", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "errorCode", code: 18, times: 2 });
    expect(emulator.faults.pending()).toEqual([
      { route: "addMainInfo", kind: "errorCode", code: 18, times: 2 },
    ]);
    expect((await call(emulator, "addMainInfo", token, BODY)).json.error_code).toBe(18);
    expect(emulator.faults.pending()).toEqual([
      { route: "addMainInfo", kind: "errorCode", code: 18, times: 1 },
    ]);
    expect((await call(emulator, "addMainInfo", token, BODY)).json.error_code).toBe(18);
    expect((await call(emulator, "addMainInfo", token, BODY)).json.errno).toBe(0);
  });

  it("fires faults in the order added, one per request", async () => {
    emulator.faults.add({ route: "*", kind: "errorCode", code: 2 });
    emulator.faults.add({ route: "addMainInfo", kind: "errorCode", code: 18 });
    expect((await call(emulator, "addMainInfo", token, BODY)).json.error_code).toBe(2);
    expect((await call(emulator, "addMainInfo", token, BODY)).json.error_code).toBe(18);
  });

  it("leaves a fault for another route pending", async () => {
    emulator.faults.add({ route: "updateMainStatus", kind: "errorCode", code: 18 });
    expect((await call(emulator, "addMainInfo", token, BODY)).json.errno).toBe(0);
    expect(emulator.faults.pending()).toHaveLength(1);
    emulator.faults.clear();
  });

  it("faults the token route like any other", async () => {
    emulator.faults.add({ route: "token", kind: "http", status: 500 });
    expect(await send(tokenUrl(emulator, {}))).toMatchObject({
      status: 500,
      text: "Internal Server Error",
    });
    expect(emulator.requestsTo("token")).toHaveLength(2);
  });

  it("records a faulted request in the request log", async () => {
    emulator.faults.add({ route: "addMainInfo", kind: "drop" });
    await call(emulator, "addMainInfo", token, BODY).catch(() => undefined);
    expect(emulator.requestsTo("addMainInfo")).toEqual([
      expect.objectContaining({ method: "POST", body: BODY }),
    ]);
  });
});
