import type { Browser } from "playwright-core";
import { mintDevToken } from "../../src/auth/dev-token";
import { ENDPOINTS } from "../../src/baidu/endpoints";
import {
  BROWSER_TIMEOUT_MS,
  launchChromium,
  recordServerRequests,
  servePages,
  type PageServer,
} from "../support/browser";
import { importOrderInput } from "../support/examples";
import { SHOP, startHarness, testClock, type Harness } from "../support/harness";

jest.setTimeout(BROWSER_TIMEOUT_MS);

const PAGE = "<!doctype html><title>A back-office app on another origin</title>";
const NOW = Date.now();

/** Runs in the page: what a frontend does once its user signed in and it holds a token. */
async function sendMutation({ url, token, input }: { url: string; token: string; input: unknown }) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query:
        "mutation Import($input: ImportOrderInput!) { importOrder(input: $input) { allApplied delivery { state } } }",
      variables: { input },
    }),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * A frontend on an origin `http.corsOrigins` allows signs in with a development token (what
 * `npm run dev-token` prints) and writes through a development gateway, from a real browser.
 */
describe("signing in from a browser with a development token", () => {
  let browser: Browser;
  let app: PageServer;
  let h: Harness;
  beforeAll(async () => {
    browser = await launchChromium();
    app = await servePages({ "/": PAGE });
    h = await startHarness({
      config: {
        mode: "development",
        emulator: true,
        http: {
          headersTimeoutMs: 10_000,
          requestTimeoutMs: 30_000,
          maxConnections: 1024,
          corsOrigins: [app.origin],
          shutdownDelayMs: 0,
        },
      },
      clock: testClock(NOW).clock,
    });
  });
  afterAll(async () => {
    await h?.close();
    await app?.close();
    await browser?.close();
  });

  const fromPage = async (token: string) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(app.url("/"));
      return await page.evaluate(sendMutation, {
        url: h.gateway.graphqlUrl,
        token,
        input: importOrderInput,
      });
    } finally {
      await context.close();
    }
  };

  it("sends a mutation with the token, after a preflight that allows its Authorization header", async () => {
    const seen = recordServerRequests(h.gateway.port);
    try {
      const token = await mintDevToken({ now: NOW, subject: "clerk", apps: [SHOP.appKey] });
      expect(await fromPage(token)).toEqual({
        status: 200,
        body: { data: { importOrder: { allApplied: true, delivery: { state: "DELIVERED" } } } },
      });
      expect(
        seen.requests.map(({ method, status, allowOrigin }) => [method, status, allowOrigin]),
      ).toEqual([
        ["OPTIONS", 204, app.origin],
        ["POST", 200, app.origin],
      ]);
    } finally {
      seen.stop();
    }
    expect(h.emulator.requestsTo("addMainInfo").map((r) => r.path)).toEqual([
      ENDPOINTS.addMainInfo.path,
    ]);
    const [delivery] = await h.sql.query<{ caller: string }>("select caller from deliveries");
    expect(delivery).toEqual({ caller: "jwt:clerk" });
  });

  it("lets the page read why an expired token was refused, to sign its user in again", async () => {
    const expired = await mintDevToken({ now: NOW - 3_600_000, lifetimeSeconds: 60 });
    // Development mode adds the stack trace to the extensions.
    expect(await fromPage(expired)).toMatchObject({
      status: 401,
      body: {
        errors: [
          {
            message: "The token has expired (exp)",
            extensions: { code: "UNAUTHENTICATED", reason: "EXPIRED" },
          },
        ],
      },
    });
  });
});
