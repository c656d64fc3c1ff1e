import { UpdateAfterSaleOrderDocument } from "./generated/graphql";
import * as ex from "./support/examples";
import { ADMIN_KEY, startHarness, type Harness } from "./support/harness";

/** The HTTP layer in front of Apollo (src/http/graphql-handler.ts, src/server.ts). */
describe("the gateway's HTTP layer", () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  const post = (body: string, contentType = "application/json") =>
    fetch(h.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": contentType, authorization: `Bearer ${ADMIN_KEY}` },
      body,
    });

  it("answers 413 to a body over 1 MB, so that a client still sending gets the answer, not a reset", async () => {
    const response = await post(
      JSON.stringify({ query: "{ __typename }", padding: "x".repeat(5_000_000) }),
    );
    expect([response.status, await response.text()]).toEqual([413, "Request body too large"]);
  });

  it("answers 413 to a chunked body once it passes 1 MB", async () => {
    const chunk = new TextEncoder().encode("x".repeat(100_000));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if ((sent += chunk.length) > 3_000_000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const init = {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body,
      duplex: "half",
    };
    const response = await fetch(h.gateway.graphqlUrl, init as RequestInit);
    expect([response.status, await response.text()]).toEqual([413, "Request body too large"]);
  });

  it("answers 400 with a GraphQL-shaped error for a body that is not JSON", async () => {
    const response = await post("{ not json");
    expect([response.status, await response.json()]).toEqual([
      400,
      {
        errors: [
          { message: "The request body is not valid JSON", extensions: { code: "BAD_REQUEST" } },
        ],
      },
    ]);
  });

  it("accepts a content type in any letter case", async () => {
    const response = await post(
      JSON.stringify({ query: "{ __typename }" }),
      "Application/JSON; charset=utf-8",
    );
    expect([response.status, await response.json()]).toEqual([
      200,
      { data: { __typename: "Query" } },
    ]);
  });

  it("gives no schema hints to clients in production mode", async () => {
    const response = await post(JSON.stringify({ query: "{ app }" }));
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).not.toContain("Did you mean");
  });

  it("answers 404 outside /graphql and /healthz, and keeps the query string of GET requests", async () => {
    expect((await fetch(h.gateway.graphqlUrl.replace("/graphql", "/other"))).status).toBe(404);
    const get = await fetch(
      `${h.gateway.graphqlUrl}?query=${encodeURIComponent("{ __typename }")}`,
      {
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "1" },
      },
    );
    expect([get.status, await get.json()]).toEqual([200, { data: { __typename: "Query" } }]);
  });

  it("shows a browser where the API is, with no playground, and refuses introspection in production mode", async () => {
    const page = await fetch(h.gateway.graphqlUrl, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).toBe("text/html");
    expect(await page.text()).toContain("The playground is off in production mode");
    const response = await post(JSON.stringify({ query: "{ __schema { types { name } } }" }));
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("the gateway's shutdown", () => {
  it("lets a request in flight finish, then stops taking new ones", async () => {
    const h = await startHarness();
    try {
      ex.seedExampleOrders(h.emulator, { afterSale: true });
      h.emulator.faults.add({ route: "updateSubInfo", kind: "latency", ms: 150 });
      const inFlight = h.send(UpdateAfterSaleOrderDocument, {
        input: ex.updateAfterSaleOrderInput,
      });
      while (h.emulator.requestsTo("updateSubInfo").length === 0)
        await new Promise((resolve) => setImmediate(resolve));
      await h.gateway.close();
      expect((await inFlight).body.data?.updateAfterSaleOrder.allApplied).toBe(true);
      await expect(fetch(h.gateway.graphqlUrl)).rejects.toThrow();
    } finally {
      await h.emulator.close();
    }
  });
});
