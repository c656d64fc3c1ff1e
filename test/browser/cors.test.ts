import type { Browser } from "playwright-core";
import {
  BROWSER_TIMEOUT_MS,
  launchChromium,
  recordServerRequests,
  servePages,
  type PageServer,
  type ServerRequest,
} from "../support/browser";
import { ADMIN_KEY, OTHER, SHOP, startHarness, type Harness } from "../support/harness";

jest.setTimeout(BROWSER_TIMEOUT_MS);

const PAGE = "<!doctype html><title>A page of another origin</title>";

/** Runs in the page: the call a browser app on that origin makes, or why the browser refused it. */
async function callGateway({ url, key }: { url: string; key: string }) {
  try {
    const response = await fetch(url, {
      method: "POST",
      // JSON and an Authorization header: not a "simple" request, so the browser asks first.
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: "{ apps { appKey name } }" }),
    });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    return { refused: String(error) };
  }
}

/**
 * Pages on an origin `http.corsOrigins` names may call the gateway from a real browser, preflight
 * included; the browser keeps a page on any other origin from doing so.
 */
describe("CORS in a browser", () => {
  let browser: Browser;
  let allowed: PageServer;
  let other: PageServer;
  let h: Harness;
  let seen: { requests: ServerRequest[]; stop(): void };
  beforeAll(async () => {
    browser = await launchChromium();
    allowed = await servePages({ "/": PAGE });
    other = await servePages({ "/": PAGE });
    h = await startHarness({
      config: {
        http: {
          headersTimeoutMs: 10_000,
          requestTimeoutMs: 30_000,
          maxConnections: 1024,
          corsOrigins: [allowed.origin],
          shutdownDelayMs: 0,
        },
      },
    });
  });
  beforeEach(() => (seen = recordServerRequests(h.gateway.port)));
  afterEach(() => seen.stop());
  afterAll(async () => {
    await h?.close();
    await allowed?.close();
    await other?.close();
    await browser?.close();
  });

  const callFrom = async (origin: PageServer) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(origin.url("/"));
      return await page.evaluate(callGateway, { url: h.gateway.graphqlUrl, key: ADMIN_KEY });
    } finally {
      await context.close();
    }
  };

  it("lets a page of an allowed origin call the gateway, after a preflight", async () => {
    expect(await callFrom(allowed)).toEqual({
      status: 200,
      body: {
        data: {
          apps: [
            { appKey: SHOP.appKey, name: "shop" },
            { appKey: OTHER.appKey, name: "other" },
          ],
        },
      },
    });
    expect(seen.requests).toEqual([
      {
        method: "OPTIONS",
        path: "/graphql",
        origin: allowed.origin,
        status: 204,
        allowOrigin: allowed.origin,
      },
      {
        method: "POST",
        path: "/graphql",
        origin: allowed.origin,
        status: 200,
        allowOrigin: allowed.origin,
      },
    ]);
  });

  it("refuses a page of another origin: the preflight gets no permission, the call never leaves", async () => {
    expect(await callFrom(other)).toEqual({ refused: "TypeError: Failed to fetch" });
    expect(seen.requests).toEqual([
      {
        method: "OPTIONS",
        path: "/graphql",
        origin: other.origin,
        status: 204,
        allowOrigin: undefined,
      },
    ]);
  });
});
