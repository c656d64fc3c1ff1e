import { connect, type Socket } from "node:net";
import { DEFAULT_LIMITS, type OperationLimits } from "../src/graphql/limits";
import { startEmulator, type Emulator } from "../src/emulator/server";
import { ADMIN_KEY, OTHER, SHOP, startHarness, type Harness } from "./support/harness";
import { spawnGateway, type SpawnedGateway } from "./support/spawned";
import { freshStoreConfig } from "./support/store";
import { GATEWAY_NODE_FLAGS } from "../src/lib/runtime";

/** POSTs a raw document, as a hostile client would. */
async function post(url: string, query: string, variables?: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    },
  };
}

const refusal = (code: string, message: string, limit?: number) => ({
  status: 400,
  body: { errors: [{ message, extensions: limit === undefined ? { code } : { code, limit } }] },
});

/** The refusal of an operation past the cost these tests allow (1000). */
const TOO_COSTLY = refusal(
  "QUERY_TOO_COSTLY",
  "The operation has more cost than the gateway allows (1000)",
  1000,
);

describe("limits on what one request may ask", () => {
  let h: Harness;
  const limits: OperationLimits = { ...DEFAULT_LIMITS, maxCost: 1000 };
  beforeAll(async () => (h = await startHarness({ config: { limits } })));
  afterAll(() => h.close());
  afterEach(() => expect(h.emulator.requests).toEqual([]));

  it("stops parsing a document past maxTokens", async () => {
    const query = `{ ${Array.from({ length: 1500 }, (_, i) => `a${i}: __typename`).join(" ")} }`;
    expect(await post(h.gateway.graphqlUrl, query)).toEqual(
      refusal(
        "QUERY_TOO_LONG",
        "The operation is longer than the gateway allows (limits.maxTokens)",
      ),
    );
  });

  it("refuses more aliases than maxAliases", async () => {
    const query = `{ apps { ${Array.from({ length: 21 }, (_, i) => `k${i}: appKey`).join(" ")} } }`;
    expect(await post(h.gateway.graphqlUrl, query)).toEqual(
      refusal(
        "TOO_MANY_ALIASES",
        "The operation has more aliases than the gateway allows (20)",
        20,
      ),
    );
  });

  it("refuses more directives than maxDirectives", async () => {
    const query = `{ apps { ${Array.from({ length: 21 }, () => "appKey @include(if: true)").join(" ")} } }`;
    expect(await post(h.gateway.graphqlUrl, query)).toEqual(
      refusal(
        "TOO_MANY_DIRECTIVES",
        "The operation has more directives than the gateway allows (20)",
        20,
      ),
    );
  });

  it("refuses a costlier operation than maxCost", async () => {
    const fields =
      "id state appKey operation caller idempotencyKey resourceIds attemptCount outcomeUnknown";
    const query = `{ deliveries(first: 100) { edges { node { ${fields} attempts { number outcome message } } } } }`;
    expect(await post(h.gateway.graphqlUrl, query)).toEqual(TOO_COSTLY);
  });

  it("counts a connection's default page size in the cost, and a page given by a variable as the largest, across the schema's cycles", async () => {
    // Delivery.orders → Order.deliveries → …: small to write, huge to answer.
    const cycle =
      "{ deliveries { edges { node { orders { deliveries { edges { node { orders { deliveries { edges { node { id } } } } } } } } } } } }";
    expect(await post(h.gateway.graphqlUrl, cycle)).toEqual(TOO_COSTLY);
    // The cost is the document's, judged once however its variables change: $n counts as 100.
    const fields =
      "id state appKey operation caller idempotencyKey resourceIds attemptCount outcomeUnknown";
    const paged = `query ($n: Int) { deliveries(first: $n) { edges { node { ${fields} } } } }`;
    expect(await post(h.gateway.graphqlUrl, paged, { n: 5 })).toEqual(TOO_COSTLY);
    expect(
      (
        await post(
          h.gateway.graphqlUrl,
          `{ deliveries(first: 5) { edges { node { ${fields} } } } }`,
        )
      ).status,
    ).toBe(200);
  });

  it("counts the writes inside fragments too", async () => {
    const writes = Array.from({ length: 6 }, (_, i) => `w${i}: cancelDelivery(id: "${i}") { id }`);
    const inline = `mutation { ... on Mutation { ${writes.join(" ")} } }`;
    const spread = `mutation { ...A ...B } fragment A on Mutation { ${writes.slice(0, 3).join(" ")} } fragment B on Mutation { ${writes.slice(3).join(" ")} }`;
    for (const query of [inline, spread])
      expect(await post(h.gateway.graphqlUrl, query)).toEqual(
        refusal("TOO_MANY_WRITES", "The operation has more writes than the gateway allows (5)", 5),
      );
  });

  it("works out each fragment once: fragments that each spread the next one twice cost their sum, not their product in time", async () => {
    // 24 fragments, about 1 KB: walked spread by spread, 2^24 visits (tens of seconds, in the
    // process that runs this test).
    const fan = (on: string, leaf: string) =>
      Array.from({ length: 24 }, (_, i) => `fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`)
        .concat(`fragment F24 on ${on} { ${leaf} }`)
        .join(" ");
    expect(
      await post(h.gateway.graphqlUrl, `{ ...F0 } ${fan("Query", "apps { appKey }")}`),
    ).toEqual(TOO_COSTLY);
    expect(
      await post(
        h.gateway.graphqlUrl,
        `mutation { ...F0 } ${fan("Mutation", 'cancelDelivery(id: "1") { id }')}`,
      ),
    ).toEqual({
      status: 400,
      body: {
        errors: [
          TOO_COSTLY.body.errors[0],
          refusal("TOO_MANY_WRITES", "The operation has more writes than the gateway allows (5)", 5)
            .body.errors[0],
        ],
      },
    });
    // Fields that cost nothing stay free, however often they are spread.
    expect(await post(h.gateway.graphqlUrl, `{ ...F0 } ${fan("Query", "__typename")}`)).toEqual({
      status: 200,
      body: { data: { __typename: "Query" } },
    });
  });

  it("names graphql-js's own limit on the work of validating a document", async () => {
    // 800 copies of one field: comparing each pair of them is past graphql-js's budget.
    const query = `{ ${Array.from({ length: 800 }, () => "__typename").join(" ")} }`;
    expect(await post(h.gateway.graphqlUrl, query)).toEqual(
      refusal(
        "QUERY_TOO_COMPLEX",
        "The operation takes more work to check than the gateway allows (such as many copies of one field); write it more simply",
      ),
    );
  });

  it("refuses a subscription as invalid, not as a fault of its own", async () => {
    const { status, body } = await post(h.gateway.graphqlUrl, "subscription { __typename }");
    expect([status, body.errors?.map((error) => [error.message, error.extensions?.code])]).toEqual([
      400,
      [["This gateway has no subscription operations", "GRAPHQL_VALIDATION_FAILED"]],
    ]);
    expect(h.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });

  it.each([
    [
      "an Int",
      `{ deliveries(first: ${"ZQXMARK".repeat(3)}) { edges { cursor } } }`,
      "Int cannot represent the value given.",
    ],
    [
      "a list for an Int",
      "{ deliveries(first: [ZQXMARK]) { edges { cursor } } }",
      "Int cannot represent the value given.",
    ],
    [
      "an object for an Int",
      "{ deliveries(first: {a: ZQXMARK}) { edges { cursor } } }",
      "Int cannot represent the value given.",
    ],
    [
      "a DateTime",
      '{ deliveries(filter: { since: "ZQXMARK" }) { edges { cursor } } }',
      "DateTime cannot represent the value given.",
    ],
    [
      "a String",
      '{ order(appKey: ZQXMARK, resourceId: "r") { resourceId } }',
      "String cannot represent the value given.",
    ],
    [
      "a Boolean",
      "{ apps { appKey @include(if: ZQXMARK) } }",
      "Boolean cannot represent the value given.",
    ],
    [
      "a default value",
      "query ($n: Int = ZQXMARK) { deliveries(first: $n) { edges { cursor } } }",
      "Int cannot represent the value given.",
    ],
  ])(
    "does not repeat %s written without quotes in the document",
    async (_label, query, message) => {
      const { status, body } = await post(h.gateway.graphqlUrl, query);
      expect(JSON.stringify(body)).not.toContain("ZQXMARK");
      expect([status, body.errors?.[0]?.message]).toEqual([400, message]);
    },
  );

  it("does not keep documents for automatic persisted queries", async () => {
    const response = await fetch(h.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({
        query: "{ __typename }",
        extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } },
      }),
    });
    // HTTP 200, as the APQ protocol has it: a client then sends the whole document.
    expect([response.status, await response.json()]).toEqual([
      200,
      {
        errors: [
          {
            message: "PersistedQueryNotSupported",
            extensions: { code: "PERSISTED_QUERY_NOT_SUPPORTED" },
          },
        ],
      },
    ]);
  });

  it("refuses more writes in one operation than maxWrites, and records none of them", async () => {
    const write = (i: number) => `w${i}: cancelDelivery(id: "${i}") { id }`;
    const query = `mutation { ${Array.from({ length: 6 }, (_, i) => write(i)).join(" ")} }`;
    expect(await post(h.gateway.graphqlUrl, query)).toEqual(
      refusal("TOO_MANY_WRITES", "The operation has more writes than the gateway allows (5)", 5),
    );
    expect(await h.sql.query("select id from deliveries")).toEqual([]);
  });
});

describe("limits on nesting", () => {
  let h: Harness;
  beforeAll(
    async () =>
      (h = await startHarness({ config: { limits: { ...DEFAULT_LIMITS, maxDepth: 3 } } })),
  );
  afterAll(() => h.close());

  it("refuses an operation nested deeper than maxDepth", async () => {
    const query = "{ deliveries(first: 1) { edges { node { attempts { number } } } } }";
    expect(await post(h.gateway.graphqlUrl, query)).toEqual(
      refusal(
        "QUERY_TOO_DEEP",
        "The operation has more levels of nesting than the gateway allows (3)",
        3,
      ),
    );
    expect(
      (await post(h.gateway.graphqlUrl, "{ deliveries(first: 1) { edges { cursor } } }")).status,
    ).toBe(200);
  });
});

/**
 * The sequence that ran a gateway out of memory: many distinct large documents, then one huge one.
 */
describe("a production gateway under documents meant to exhaust its memory", () => {
  jest.setTimeout(120_000);
  let emulator: Emulator;
  let store: Awaited<ReturnType<typeof freshStoreConfig>>;
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    emulator = await startEmulator({ apps: [SHOP, OTHER] });
    store = await freshStoreConfig("pglite");
    // The heap npm start gives it.
    gateway = await spawnGateway(emulator.url, store, {
      NODE_OPTIONS: GATEWAY_NODE_FLAGS.join(" "),
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await emulator.close();
    await store.drop();
  });

  it("refuses them with 4xx and stays alive", async () => {
    // 300 distinct ~20 KB documents, each past the token limit.
    for (let n = 0; n < 300; n++) {
      const query = `{ __typename ${Array.from({ length: 1200 }, (_, i) => `x${n}_${i}: __typename`).join(" ")} }`;
      expect((await post(gateway.url, query)).status).toBe(400);
    }
    // 2,000 distinct valid ~20 KB documents (mostly comment: their trees are small).
    for (let n = 0; n < 2000; n++) {
      const query = `{ apps { ${Array.from({ length: 18 }, (_, i) => `k${i}: appKey`).join(" ")} } }\n# ${n} ${"padding ".repeat(2500)}`;
      expect((await post(gateway.url, query)).status).toBe(200);
    }
    // One ~780 KB document repeating a field 60,000 times.
    const huge = `{ ${"apps { appKey } ".repeat(60_000)} }`;
    expect(huge.length).toBeGreaterThan(780_000);
    expect(await post(gateway.url, huge)).toEqual(
      refusal(
        "QUERY_TOO_LONG",
        "The operation is longer than the gateway allows (limits.maxTokens)",
      ),
    );
    expect(await post(gateway.url, "{ apps { appKey } }")).toEqual({
      status: 200,
      body: { data: { apps: [{ appKey: SHOP.appKey }] } },
    });
    expect(gateway.child.exitCode).toBeNull();
    expect(gateway.output()).not.toMatch(/heap out of memory/i);
  });
});

describe("slow and many clients", () => {
  let h: Harness;
  const sockets: Socket[] = [];
  beforeAll(
    async () =>
      (h = await startHarness({
        config: {
          http: {
            headersTimeoutMs: 300,
            requestTimeoutMs: 600,
            maxConnections: 4,
            corsOrigins: [],
            shutdownDelayMs: 0,
          },
        },
      })),
  );
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await h.close();
  });
  const open = () =>
    new Promise<Socket>((resolve) => {
      const socket = connect(h.gateway.port, "127.0.0.1", () => resolve(socket));
      sockets.push(socket);
    });
  const closed = (socket: Socket) =>
    new Promise<string>((resolve) => {
      let received = "";
      socket.on("data", (chunk) => (received += chunk));
      socket.on("close", () => resolve(received));
    });

  it("answers 408 and closes a connection whose headers do not arrive within headersTimeoutMs", async () => {
    const socket = await open();
    socket.write("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty");
    expect(await closed(socket)).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("answers 408 and closes a connection whose body does not arrive within requestTimeoutMs", async () => {
    const socket = await open();
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`,
    );
    expect(await closed(socket)).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes connections past maxConnections at once", async () => {
    const held = await Promise.all([open(), open(), open(), open()]);
    const extra = await open();
    expect(await closed(extra)).toBe("");
    for (const socket of held) socket.destroy();
  });
});
