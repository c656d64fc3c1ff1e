import { TOKEN_PATH } from "../../src/baidu/endpoints";
import type { Emulator } from "../../src/emulator/server";
import {
  APP,
  OTHER_APP,
  call,
  getToken,
  mainItem,
  manualClock,
  send,
  startTestEmulator,
  tokenUrl,
} from "./helpers";

const VALID = {
  grant_type: "client_credentials",
  client_id: APP.appKey,
  client_secret: APP.appSecret,
  scope: "smartapp_snsapi_base",
};

describe("emulator token endpoint", () => {
  let emulator: Emulator;
  const clock = manualClock(Date.UTC(2025, 0, 1));
  beforeEach(async () => {
    emulator = await startTestEmulator({ now: clock.now });
  });
  afterEach(() => emulator.close());

  it("issues a token in Baidu's shape with a 30-day lifetime by default (contract §4)", async () => {
    const answer = await send(tokenUrl(emulator, VALID));
    const expiry = Date.UTC(2025, 0, 1) / 1000 + 2592000;
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      access_token: expect.stringMatching(
        new RegExp(`^24\\.[0-9a-f]{32}\\.2592000\\.${expiry}\\.\\d+-\\d+$`),
      ),
      expires_in: 2592000,
      refresh_token: expect.stringMatching(/^25\.[0-9a-f]{32}\.\d+\.\d+\.\d+-\d+$/),
      scope: "smartapp_snsapi_base",
      session_key: "",
      session_secret: "",
    });
  });

  it("uses the configured lifetime for expires_in", async () => {
    const short = await startTestEmulator({ tokenLifetimeSeconds: 3600 });
    const answer = await send(tokenUrl(short, VALID));
    await short.close();
    expect(answer.json.expires_in).toBe(3600);
    expect(answer.json.access_token).toMatch(/^24\.[0-9a-f]{32}\.3600\./);
  });

  it("accepts a POST with the parameters in a form body", async () => {
    const answer = await send(`${emulator.url}${TOKEN_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(VALID).toString(),
    });
    expect(answer.status).toBe(200);
    expect(answer.json.expires_in).toBe(2592000);
  });

  it("answers invalid_client with HTTP 400 for an unknown client id", async () => {
    const answer = await send(tokenUrl(emulator, { ...VALID, client_id: "nobody" }));
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('{"error":"invalid_client","error_description":"unknown client id"}');
  });

  it("answers invalid_client for a wrong client secret", async () => {
    const answer = await send(tokenUrl(emulator, { ...VALID, client_secret: "reset-in-console" }));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: "invalid_client",
      error_description: "unknown client id",
    });
  });

  it("answers unsupported_grant_type for SKIT's misspelt client_credential (contract §1.1)", async () => {
    const answer = await send(tokenUrl(emulator, { ...VALID, grant_type: "client_credential" }));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: "unsupported_grant_type",
      error_description: "The authorization grant type is not supported",
    });
  });

  it.each([
    ["a wrong", { scope: "snsapi_userinfo" }],
    ["a missing", { scope: "" }],
  ])("answers invalid_scope for %s scope", async (_label, change) => {
    const answer = await send(tokenUrl(emulator, { ...VALID, ...change }));
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe("invalid_scope");
  });

  it("answers invalid_request naming a missing parameter", async () => {
    const { client_secret: _omitted, ...rest } = VALID;
    const answer = await send(tokenUrl(emulator, rest));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: "invalid_request",
      error_description: "missing required parameter: client_secret",
    });
  });

  it("keeps earlier tokens valid when a new one is issued", async () => {
    const first = await getToken(emulator);
    const second = await getToken(emulator);
    expect(second).not.toBe(first);
    for (const token of [first, second]) {
      expect(
        (await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] })).json.errno,
      ).toBe(0);
    }
  });

  it("ties each token to its app", async () => {
    const token = await getToken(emulator, OTHER_APP);
    const answer = await call(emulator, "addMainInfo", token, { Data: [mainItem("r1")] });
    expect(answer.json).toEqual({
      errno: 40001,
      msg: expect.stringContaining("Data[0].BizAPPID"),
      data: [],
    });
    const own = await call(emulator, "addMainInfo", token, {
      Data: [mainItem("r1", { BizAPPID: OTHER_APP.appKey })],
    });
    expect(own.json.errno).toBe(0);
  });
});
