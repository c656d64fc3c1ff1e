import type { Emulator } from "../../src/emulator/server";
import { ENDPOINTS } from "../../src/baidu/endpoints";
import { call, getToken, mainItem, manualClock, send, startTestEmulator } from "./helpers";

const BODY = { Data: [mainItem("2221554346520")] };

describe("emulator token checks on order-center calls", () => {
  let emulator: Emulator;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(async () => {
    clock = manualClock();
    emulator = await startTestEmulator({ now: clock.now, tokenLifetimeSeconds: 3600 });
  });
  afterEach(() => emulator.close());

  it("answers error_code 100 when access_token is missing", async () => {
    const answer = await call(emulator, "addMainInfo", undefined, BODY);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"error_code":100,"error_msg":"Invalid parameter"}');
  });

  it("answers error_code 110 for a token it never issued", async () => {
    const answer = await call(
      emulator,
      "addMainInfo",
      "24.0123456789abcdef0123456789abcdef.3600.1.1-1",
      BODY,
    );
    expect(answer.json).toEqual({
      error_code: 110,
      error_msg: "Access token invalid or no longer valid",
    });
  });

  it("accepts a token until the injected clock reaches its expiry", async () => {
    const token = await getToken(emulator);
    clock.advance(3600 * 1000 - 1);
    expect((await call(emulator, "addMainInfo", token, BODY)).json.errno).toBe(0);
  });

  it("answers error_code 111 once the injected clock passes the token's expiry", async () => {
    const token = await getToken(emulator);
    clock.advance(3600 * 1000);
    const answer = await call(emulator, "addMainInfo", token, BODY);
    expect(answer.json).toEqual({ error_code: 111, error_msg: "Access token expired" });
  });

  it("answers 111 for every earlier token after expireAllTokens, and accepts a new one", async () => {
    const old = await getToken(emulator);
    emulator.expireAllTokens();
    expect((await call(emulator, "updateMainStatus", old, BODY)).json.error_code).toBe(111);
    const fresh = await getToken(emulator);
    expect((await call(emulator, "addMainInfo", fresh, BODY)).json.errno).toBe(0);
  });

  it("answers 110 for every earlier token after revokeAllTokens, even an expired one", async () => {
    const old = await getToken(emulator);
    clock.advance(3600 * 1000);
    emulator.revokeAllTokens();
    expect((await call(emulator, "addMainInfo", old, BODY)).json.error_code).toBe(110);
  });

  it("checks the token before the query and the body", async () => {
    const answer = await call(emulator, "addMainInfo", "unknown", "not json", {
      open_id: undefined,
      pm_app_key: undefined,
    });
    expect(answer.json.error_code).toBe(110);
  });

  it("answers error_code 3 to a method other than POST", async () => {
    const token = await getToken(emulator);
    const answer = await send(`${emulator.url}${ENDPOINTS.addMainInfo.path}?access_token=${token}`);
    expect(answer.json).toEqual({ error_code: 3, error_msg: "Unsupported openapi method" });
  });
});
