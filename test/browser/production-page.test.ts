import type { Browser } from "playwright-core";
import {
  BROWSER_TIMEOUT_MS,
  launchChromium,
  recordRequests,
  requestsOffOrigin,
} from "../support/browser";
import { startHarness, type Harness } from "../support/harness";

jest.setTimeout(BROWSER_TIMEOUT_MS);

/** A browser opening /graphql of a production gateway learns where the API and its docs are. */
describe("the production page", () => {
  let browser: Browser;
  let h: Harness;
  beforeAll(async () => {
    browser = await launchChromium();
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await browser?.close();
  });

  it("tells a browser where the API is, that the playground is off, and where the docs are", async () => {
    const context = await browser.newContext();
    const requests = recordRequests(context);
    try {
      const page = await context.newPage();
      const response = await page.goto(h.gateway.graphqlUrl);
      expect([response?.status(), response?.headers()["content-type"]]).toEqual([200, "text/html"]);
      const text = (await page.locator("body").innerText()).replace(/\s+/g, " ");
      expect(await page.title()).toBe("Baidu order-center gateway: GraphQL API");
      expect(text).toContain(
        "Send GraphQL requests to this URL (the one in the address bar) as POST with Content-Type: application/json",
      );
      expect(text).toContain("The playground is off in production mode, and so is introspection.");
      expect(text).toContain("README.md");
      expect(text).toContain("schema/schema.graphql");
      expect(requestsOffOrigin(requests, new URL(h.gateway.graphqlUrl).origin)).toEqual([]);
      expect(requests).toEqual([{ method: "GET", url: h.gateway.graphqlUrl }]);
    } finally {
      await context.close();
    }
  });

  it("leaves a GET that does not ask for HTML to Apollo: its CSRF refusal, in JSON", async () => {
    const response = await fetch(h.gateway.graphqlUrl, { headers: { accept: "application/json" } });
    expect([response.status, response.headers.get("content-type")]).toEqual([
      400,
      "application/json; charset=utf-8",
    ]);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: expect.stringMatching(
            /^This operation has been blocked as a potential Cross-Site Request Forgery \(CSRF\)\./,
          ),
          extensions: { code: "BAD_REQUEST" },
        },
      ],
    });
  });
});
