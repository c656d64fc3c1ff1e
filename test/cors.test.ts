import { ADMIN_KEY, startHarness, type Harness } from "./support/harness";

const ALLOWED = "https://admin.example.com";

/**
 * Browser pages on the configured origins may call /graphql; pages elsewhere get no CORS headers.
 */
describe("CORS", () => {
  let h: Harness;
  beforeAll(
    async () =>
      (h = await startHarness({
        config: {
          http: {
            headersTimeoutMs: 10_000,
            requestTimeoutMs: 30_000,
            maxConnections: 1024,
            corsOrigins: [ALLOWED],
            shutdownDelayMs: 0,
          },
        },
      })),
  );
  afterAll(() => h.close());

  const preflight = (origin: string) =>
    fetch(h.gateway.graphqlUrl, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
  const headersOf = (response: Response, names: string[]) =>
    Object.fromEntries(names.map((name) => [name, response.headers.get(name)]));

  it("answers an allowed origin's preflight with what it may send", async () => {
    const response = await preflight(ALLOWED);
    expect(response.status).toBe(204);
    expect(
      headersOf(response, [
        "access-control-allow-origin",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "vary",
      ]),
    ).toEqual({
      "access-control-allow-origin": ALLOWED,
      "access-control-allow-methods": "GET,POST,OPTIONS",
      "access-control-allow-headers":
        "authorization,content-type,apollo-require-preflight,x-apollo-operation-name,x-request-id",
      "access-control-max-age": "600",
      vary: "Origin",
    });
  });

  it("gives another origin's preflight no permission", async () => {
    const response = await preflight("https://evil.example");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets the allowed origin read the answer, and not another", async () => {
    const call = (origin: string) =>
      fetch(h.gateway.graphqlUrl, {
        method: "POST",
        headers: {
          origin,
          "content-type": "application/json",
          authorization: `Bearer ${ADMIN_KEY}`,
        },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
    const allowed = await call(ALLOWED);
    expect([
      allowed.status,
      allowed.headers.get("access-control-allow-origin"),
      await allowed.json(),
    ]).toEqual([200, ALLOWED, { data: { __typename: "Query" } }]);
    const other = await call("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends no CORS headers when no origin is configured", async () => {
    const plain = await startHarness();
    try {
      const response = await fetch(plain.gateway.graphqlUrl, {
        method: "OPTIONS",
        headers: { origin: ALLOWED, "access-control-request-method": "POST" },
      });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
