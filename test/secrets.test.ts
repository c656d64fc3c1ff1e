import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayConfig } from "../src/config";
import { createLogger, redactUrl } from "../src/log";
import { ImportOrderDocument, UpdateOrderLogisticsDocument } from "./generated/graphql";
import { importOrderInput, updateOrderLogisticsInput } from "./support/examples";
import { ADMIN_KEY, OTHER, SHOP, SHOP_KEY, startHarness, type Harness } from "./support/harness";

/** The secret Baidu holds for OTHER after a reset: the gateway's copy is now wrong. */
const ROTATED_SECRET = "other-secret-after-reset-4e7a";

/** Sits between the gateway and the emulator and keeps every answer, so issued tokens are known. */
async function startRecordingProxy() {
  const answers: string[] = [];
  let target = "";
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      const upstream = await fetch(target + request.url, {
        method: request.method ?? "GET",
        headers: { "content-type": request.headers["content-type"] ?? "text/plain" },
        ...(request.method === "POST" ? { body: Buffer.concat(chunks) } : {}),
      });
      const text = await upstream.text();
      answers.push(text);
      response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" }).end(text);
    } catch {
      response.socket?.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    forward: (url: string) => (target = url),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs every kind of failure once and returns all the gateway logged and answered. */
async function runFailingScenarios(mode: GatewayConfig["mode"]) {
  const proxy = await startRecordingProxy();
  const h: Harness = await startHarness({
    config: { mode },
    baidu: { baseUrl: proxy.url },
    emulator: { apps: [SHOP, { appKey: OTHER.appKey, appSecret: ROTATED_SECRET }] },
  });
  proxy.forward(h.emulator.url);
  const bodies: string[] = [];
  const codes: unknown[] = [];
  const send = async (input: typeof updateOrderLogisticsInput, key: string | null = ADMIN_KEY) => {
    const { text, body } = await h.send(UpdateOrderLogisticsDocument, { input }, key);
    bodies.push(text);
    codes.push(body.errors?.[0]?.extensions?.code ?? "OK");
  };
  const other = { ...updateOrderLogisticsInput, appKey: OTHER.appKey };
  try {
    bodies.push((await h.send(ImportOrderDocument, { input: importOrderInput })).text);
    await send(other);
    h.emulator.faults.add({ route: "addMainLogistics", kind: "errorCode", code: 110, times: 2 });
    await send(updateOrderLogisticsInput);
    h.emulator.faults.add({ route: "addMainLogistics", kind: "http", status: 500, times: 4 });
    await send(updateOrderLogisticsInput);
    h.emulator.faults.add({ route: "addMainLogistics", kind: "drop", times: 4 });
    await send(updateOrderLogisticsInput);
    h.emulator.expireAllTokens();
    h.emulator.faults.add({ route: "token", kind: "http", status: 502, body: "bad gateway", times: 4 });
    await send(updateOrderLogisticsInput);
    h.emulator.faults.add({ route: "addMainLogistics", kind: "errno", errno: 40001 });
    await send(updateOrderLogisticsInput);
    await send(other, SHOP_KEY);
    await send(updateOrderLogisticsInput, `${SHOP_KEY}-but-wrong`);
    expect(h.emulator.faults.pending()).toEqual([]);
  } finally {
    await h.close();
    await proxy.close();
  }
  const issued = proxy.answers.flatMap((text) => text.match(/2[45]\.[0-9a-f]{32}\.[0-9.]+-\d+/g) ?? []);
  const used = h.emulator.requests.map((r) => r.query.access_token).filter((token): token is string => token !== undefined);
  return { logs: h.logs, bodies, codes, tokens: [...new Set([...issued, ...used])], upstream: [h.emulator.url, proxy.url] };
}

const EXPECTED_CODES = [
  "INTERNAL_SERVER_ERROR",
  "INTERNAL_SERVER_ERROR",
  "BAIDU_UNAVAILABLE",
  "BAIDU_UNAVAILABLE",
  "BAIDU_UNAVAILABLE",
  "BAIDU_REJECTED",
  "FORBIDDEN",
  "UNAUTHENTICATED",
];
const SECRETS = { "SHOP's app secret": SHOP.appSecret, "OTHER's app secret": OTHER.appSecret, "OTHER's reset secret": ROTATED_SECRET, ADMIN_KEY, SHOP_KEY };

function leaks(texts: readonly string[], secrets: Record<string, string>): string[] {
  return Object.entries(secrets).flatMap(([name, secret]) => texts.filter((text) => text.includes(secret)).map((text) => `${name} in ${text}`));
}

describe.each(["production", "development"] as const)("secrets in %s mode", (mode) => {
  let run: Awaited<ReturnType<typeof runFailingScenarios>>;
  beforeAll(async () => (run = await runFailingScenarios(mode)));

  it("runs every failure it means to, with a real token issued", () => {
    expect(run.codes).toEqual(EXPECTED_CODES);
    // SHOP's first token, the one fetched after the 110, and one fetched after the forced expiry and the 502s.
    expect(run.tokens.filter((t) => t.startsWith("24."))).toHaveLength(3);
    expect(run.logs.length).toBeGreaterThan(5);
  });

  it("never puts an app secret or an API key in a log line or a response", () => {
    expect(leaks([...run.logs, ...run.bodies], SECRETS)).toEqual([]);
  });

  it("never puts an access or refresh token the emulator issued in a log line or a response", () => {
    const tokens = Object.fromEntries(run.tokens.map((token, i) => [`token ${i}`, token]));
    expect(leaks([...run.logs, ...run.bodies], tokens)).toEqual([]);
  });

  it("logs the cause of each masked error in full on the server", () => {
    const errors = run.logs.map((line) => JSON.parse(line)).filter((entry) => entry.level === "error");
    expect(errors.map((entry) => entry.error.name)).toEqual(["BaiduCredentialsError", "BaiduGatewayError"]);
    expect(errors[0].error).toMatchObject({ error: "invalid_client", stack: expect.stringContaining("BaiduCredentialsError") });
  });

  if (mode === "production") {
    it("answers with no stack trace and no upstream URL", () => {
      const found = run.bodies.filter(
        (body) => body.includes("stacktrace") || run.upstream.some((url) => body.includes(url)) || body.includes("http://127.0.0.1"),
      );
      expect(found).toEqual([]);
    });
  }
});

describe("redactUrl", () => {
  it("redacts the client secret of a token URL and keeps the other parameters", () => {
    const url = "https://openapi.baidu.com/oauth/2.0/token?grant_type=client_credentials&client_id=abc&client_secret=s3cr3t&scope=smartapp_snsapi_base";
    expect(redactUrl(url)).toBe(
      "https://openapi.baidu.com/oauth/2.0/token?grant_type=client_credentials&client_id=abc&client_secret=[REDACTED]&scope=smartapp_snsapi_base",
    );
  });

  it("redacts an access token that comes first, last, or before a fragment", () => {
    expect(redactUrl("http://h/p?access_token=24.a%2Bb-1&open_id=u")).toBe("http://h/p?access_token=[REDACTED]&open_id=u");
    expect(redactUrl("http://h/p?open_id=u&access_token=24.ab")).toBe("http://h/p?open_id=u&access_token=[REDACTED]");
    expect(redactUrl("http://h/p?access_token=24.ab#top")).toBe("http://h/p?access_token=[REDACTED]#top");
  });

  it("redacts every URL in a log line, whatever the case of the parameter name", () => {
    const line = JSON.stringify({ a: "http://h/x?ACCESS_TOKEN=t1", b: "http://h/y?refresh_token=t2&x=1" });
    expect(redactUrl(line)).toBe(JSON.stringify({ a: "http://h/x?ACCESS_TOKEN=[REDACTED]", b: "http://h/y?refresh_token=[REDACTED]&x=1" }));
  });

  it("redacts a secret in a form body or a percent-encoded URL", () => {
    expect(redactUrl("client_secret=s3cr3t&client_id=abc")).toBe("client_secret=[REDACTED]&client_id=abc");
    expect(redactUrl("next=http%3A%2F%2Fh%2Fp%3Faccess_token%3D24.ab%26x%3D1")).toBe("next=http%3A%2F%2Fh%2Fp%3Faccess_token%3D[REDACTED]%26x%3D1");
  });

  it("keeps a log line valid JSON when the URL sits in an escaped JSON string", () => {
    const line = JSON.stringify({ body: JSON.stringify({ url: "http://h/p?access_token=24.ab" }) });
    expect(JSON.parse(JSON.parse(redactUrl(line)).body)).toEqual({ url: "http://h/p?access_token=[REDACTED]" });
  });

  it("leaves a URL without secrets as it is", () => {
    const url = "https://openapi.baidu.com/rest/2.0/smartapp/ordercenter/app/add/main/info?open_id=u&scene_type=2&pm_app_key=p";
    expect(redactUrl(url)).toBe(url);
  });
});

describe("createLogger", () => {
  it("redacts fields named like secrets at any depth, and URLs in any field", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
    logger.warn("token answer", {
      app: { appKey: "k", appSecret: "s1" },
      answer: { access_token: "t1", refresh_token: "t2" },
      url: "http://h/?client_secret=s2",
    });
    const { time, ...entry } = JSON.parse(lines[0]!);
    expect(entry).toEqual({
      level: "warn",
      msg: "token answer",
      app: { appKey: "k", appSecret: "[REDACTED]" },
      answer: { access_token: "[REDACTED]", refresh_token: "[REDACTED]" },
      url: "http://h/?client_secret=[REDACTED]",
    });
  });

  it("writes nothing below its level", () => {
    const lines: string[] = [];
    createLogger({ level: "warn", write: (line) => lines.push(line) }).info("quiet");
    expect(lines).toEqual([]);
  });
});
