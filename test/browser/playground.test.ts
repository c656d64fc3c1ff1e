import "reflect-metadata";
import type { Browser } from "playwright-core";
import { parse, print } from "graphql";
import { DEV_API_KEY } from "../../src/auth/api-keys";
import { loadConfig } from "../../src/config/load";
import { EXAMPLE_REQUEST } from "../../src/dev/example";
import { withEmulator } from "../../src/dev/mode";
import { DEV_APP } from "../../src/emulator/dev-app";
import type { Emulator } from "../../src/emulator/server";
import { createLogger } from "../../src/ops/log";
import { startGateway, type Gateway } from "../../src/server";
import {
  BROWSER_TIMEOUT_MS,
  launchChromium,
  recordRequests,
  requestsOffOrigin,
} from "../support/browser";
import { testStore } from "../support/store";

jest.setTimeout(BROWSER_TIMEOUT_MS);

// These run in the page, which allows no `eval`: Playwright is given functions, never strings.

/** The text of each CodeMirror editor of GraphiQL inside the elements `selectors` name. */
function editorTexts(selectors: string[]): string[] {
  const document = (globalThis as any).document;
  return selectors.flatMap((selector) =>
    [...document.querySelectorAll(`${selector} .CodeMirror`)].map((editor: any) =>
      editor.CodeMirror.getValue(),
    ),
  );
}

/** Whether the first CodeMirror editor inside `selector` has text. */
function editorFilled(selector: string): boolean {
  const editor = (globalThis as any).document.querySelector(`${selector} .CodeMirror`);
  return Boolean(editor?.CodeMirror.getValue());
}

describe("the development playground", () => {
  let browser: Browser;
  let emulator: Emulator;
  let gateway: Gateway;
  beforeAll(async () => {
    browser = await launchChromium();
    // A development gateway as `npm start` builds it: in-process emulator, seeded example order.
    const dev = await withEmulator({ ...loadConfig({ GATEWAY_DATA_DIR: "memory://" }), port: 0 });
    emulator = dev.emulator;
    gateway = await startGateway({
      config: dev.config,
      logger: createLogger({ level: "error", write: () => {} }),
      sql: await testStore(),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
    await browser?.close();
  });

  it("runs the README's example from GraphiQL's run button, talking to nothing but the gateway", async () => {
    const context = await browser.newContext();
    const requests = recordRequests(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    // What the page's Content-Security-Policy blocks is reported here as an error.
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    try {
      await page.goto(gateway.graphqlUrl);
      await page.waitForFunction(editorFilled, ".graphiql-query-editor");
      const editors = await page.evaluate(editorTexts, [
        ".graphiql-query-editor",
        ".graphiql-editor-tool",
      ]);
      expect(editors).toEqual([
        print(parse(EXAMPLE_REQUEST.query)),
        JSON.stringify(EXAMPLE_REQUEST.variables, null, 2),
        JSON.stringify({ Authorization: `Bearer ${DEV_API_KEY}` }, null, 2),
      ]);

      await page.click(".graphiql-execute-button");
      await page.waitForFunction(editorFilled, ".result-window");
      const [answer] = await page.evaluate(editorTexts, [".result-window"]);

      // The README's promised answer, and the emulator got the write.
      expect(JSON.parse(answer!)).toEqual({
        data: {
          updateAfterSaleOrder: {
            allApplied: true,
            results: [{ resourceId: "2221554346520", rowsAffected: 1, applied: true }],
          },
        },
      });
      expect(emulator.requestsTo("updateSubInfo")).toHaveLength(1);
      // PROCESSING (401): the after-sale status the example sets.
      expect(
        emulator.store.get(DEV_APP.appKey, "2221554346520")?.record.EXT?.SubsOrder?.Status,
      ).toBe(401);
      const gatewayOrigin = new URL(gateway.graphqlUrl).origin;
      expect(requestsOffOrigin(requests, gatewayOrigin)).toEqual([]);
      // The page itself, the schema (introspection) and the operation.
      expect(requests.map((request) => `${request.method} ${request.url}`).sort()).toEqual([
        `GET ${gateway.graphqlUrl}`,
        `POST ${gateway.graphqlUrl}`,
        `POST ${gateway.graphqlUrl}`,
      ]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("is served to a browser only: a GET asking for JSON gets Apollo's answer", async () => {
    const response = await fetch(gateway.graphqlUrl, { headers: { accept: "application/json" } });
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });
});
