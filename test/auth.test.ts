import { sha256Hex } from "../src/auth/api-keys";
import { ENDPOINTS, TOKEN_PATH } from "../src/baidu/endpoints";
import {
  AppsDocument,
  CancelDeliveryDocument,
  DeliveriesDocument,
  ImportOrderDocument,
  TypenameDocument,
  UpdateOrderLogisticsDocument,
} from "./generated/graphql";
import { importOrderInput, updateOrderLogisticsInput } from "./support/examples";
import { ADMIN_KEY, OTHER, SHOP, SHOP_KEY, startHarness, type Harness } from "./support/harness";

const UNAUTHENTICATED = {
  errors: [
    {
      message: "Send an API key or a token as `Authorization: Bearer <key or token>`",
      extensions: { code: "UNAUTHENTICATED", reason: "NO_CREDENTIALS" },
    },
  ],
};
const UNKNOWN_KEY = {
  errors: [
    {
      message: "The API key is not one this gateway knows",
      extensions: { code: "UNAUTHENTICATED", reason: "UNKNOWN_API_KEY" },
    },
  ],
};
/** `print()` puts every mutation's field on line 2, column 3. */
const at = (field: string) => ({ locations: [{ line: 2, column: 3 }], path: [field] });

async function post(h: Harness, authorization: string | undefined) {
  const response = await fetch(h.gateway.graphqlUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ query: "{ apps { appKey } }" }),
  });
  return { status: response.status, body: await response.json() };
}

describe("API keys", () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.close());

  it("answers HTTP 401 UNAUTHENTICATED when the Authorization header is missing, and calls no one upstream", async () => {
    const { status, body } = await h.send(
      UpdateOrderLogisticsDocument,
      { input: updateOrderLogisticsInput },
      null,
    );
    expect({ status, body }).toEqual({ status: 401, body: UNAUTHENTICATED });
    expect(h.emulator.requests).toEqual([]);
  });

  it.each([
    ["a scheme other than Bearer", `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString("base64")}`],
    ["Bearer without a key", "Bearer"],
    ["Bearer with two words", `Bearer ${ADMIN_KEY} extra`],
    ["the key without the Bearer scheme", ADMIN_KEY],
    ["an empty header", ""],
  ])(
    "answers HTTP 401 UNAUTHENTICATED for a malformed header: %s",
    async (_case, authorization) => {
      expect(await post(h, authorization)).toEqual({ status: 401, body: UNAUTHENTICATED });
      expect(h.emulator.requests).toEqual([]);
    },
  );

  it("answers HTTP 401 UNAUTHENTICATED for an unknown key, even on a mutation", async () => {
    const { status, body } = await h.send(
      UpdateOrderLogisticsDocument,
      { input: updateOrderLogisticsInput },
      "not-a-key-of-this-gateway",
    );
    expect({ status, body }).toEqual({ status: 401, body: UNKNOWN_KEY });
    expect(h.emulator.requests).toEqual([]);
  });

  it("compares keys by their SHA-256, so the stored hash itself is not a key", async () => {
    const { status, body } = await h.send(TypenameDocument, {}, sha256Hex(ADMIN_KEY));
    expect({ status, body }).toEqual({ status: 401, body: UNKNOWN_KEY });
    expect(await h.send(TypenameDocument, {}, ADMIN_KEY)).toMatchObject({
      status: 200,
      body: { data: { __typename: "Query" } },
    });
  });

  it("accepts a key whose SHA-256 alone is configured, with any case of the Bearer scheme", async () => {
    await h.close();
    const key = "a-key-known-only-by-its-hash";
    h = await startHarness({
      config: { apiKeys: [{ name: "hashed", sha256: sha256Hex(key), apps: [OTHER.appKey] }] },
    });
    expect(await post(h, `bearer ${key}`)).toEqual({
      status: 200,
      body: { data: { apps: [{ appKey: OTHER.appKey }] } },
    });
    expect(await post(h, `Bearer ${ADMIN_KEY}`)).toEqual({ status: 401, body: UNKNOWN_KEY });
  });
});

describe("app permissions", () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.close());

  const toOther = { ...updateOrderLogisticsInput, appKey: OTHER.appKey };

  it("answers FORBIDDEN when a key writes to an app it is not allowed, and calls no one upstream", async () => {
    const { status, body } = await h.send(
      UpdateOrderLogisticsDocument,
      { input: toOther },
      SHOP_KEY,
    );
    expect({ status, body }).toEqual({
      status: 200,
      body: {
        data: null,
        errors: [
          {
            message: "This caller may not act for the Baidu app named in input.appKey",
            ...at("updateOrderLogistics"),
            extensions: { code: "FORBIDDEN", argument: "input.appKey" },
          },
        ],
      },
    });
    expect(h.emulator.requests).toEqual([]);
  });

  it("answers FORBIDDEN, not the validation problems, when a forbidden caller sends invalid input", async () => {
    const invalid = { ...toOther, resourceId: "", express: [] };
    const { body } = await h.send(UpdateOrderLogisticsDocument, { input: invalid }, SHOP_KEY);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: "This caller may not act for the Baidu app named in input.appKey",
          ...at("updateOrderLogistics"),
          extensions: { code: "FORBIDDEN", argument: "input.appKey" },
        },
      ],
    });
    // The same input from an allowed caller is refused for its content.
    const allowed = await h.send(UpdateOrderLogisticsDocument, { input: invalid }, ADMIN_KEY);
    expect(allowed.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(h.emulator.requests).toEqual([]);
  });

  it("lets a key write to the app it is allowed", async () => {
    const { body } = await h.send(ImportOrderDocument, { input: importOrderInput }, SHOP_KEY);
    expect(body).toEqual({
      data: {
        importOrder: {
          dryRun: false,
          allApplied: true,
          results: [
            {
              resourceId: "2221554346520",
              appKey: SHOP.appKey,
              categoryCode: 1,
              rowsAffected: 1,
              applied: true,
            },
          ],
          request: null,
        },
      },
    });
    expect(h.emulator.requests.map((r) => r.path)).toEqual([
      TOKEN_PATH,
      ENDPOINTS.addMainInfo.path,
    ]);
  });

  // The emulator answers errno 40001 when BizAPPID is not the app of the token, so a mix-up fails
  // loudly.
  it("uses each app's own access token and pm_app_key, fetched once per app", async () => {
    for (const input of [
      importOrderInput,
      { ...importOrderInput, appKey: OTHER.appKey },
      importOrderInput,
    ]) {
      expect((await h.send(ImportOrderDocument, { input })).body.data?.importOrder.allApplied).toBe(
        true,
      );
    }
    expect(h.emulator.requestsTo("token").map((r) => r.query.client_id)).toEqual([
      SHOP.appKey,
      OTHER.appKey,
    ]);
    const calls = h.emulator
      .requestsTo("addMainInfo")
      .map((r) => ({ pm: r.query.pm_app_key, token: r.query.access_token }));
    expect(calls.map((c) => c.pm)).toEqual([SHOP.pmAppKey, OTHER.pmAppKey, SHOP.pmAppKey]);
    expect(calls[2]?.token).toBe(calls[0]?.token);
    expect(calls[1]?.token).not.toBe(calls[0]?.token);
  });

  it("answers BAD_USER_INPUT naming input.appKey for an app the gateway does not hold", async () => {
    const { body } = await h.send(UpdateOrderLogisticsDocument, {
      input: { ...updateOrderLogisticsInput, appKey: "NotConfiguredNotConfiguredNotCon" },
    });
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message:
            "Invalid input: input.appKey: no Baidu app with this key is configured in the gateway",
          ...at("updateOrderLogistics"),
          extensions: {
            code: "BAD_USER_INPUT",
            violations: [
              {
                path: "input.appKey",
                message: "no Baidu app with this key is configured in the gateway",
              },
            ],
          },
        },
      ],
    });
    expect(h.emulator.requests).toEqual([]);
  });

  it("lists every app to the admin key and only its own app to the shop key", async () => {
    expect((await h.send(AppsDocument, {})).body).toEqual({
      data: {
        apps: [
          { appKey: SHOP.appKey, name: "shop" },
          { appKey: OTHER.appKey, name: "other" },
        ],
      },
    });
    expect((await h.send(AppsDocument, {}, SHOP_KEY)).body).toEqual({
      data: { apps: [{ appKey: SHOP.appKey, name: "shop" }] },
    });
  });
});

describe("API key roles", () => {
  let h: Harness;
  afterEach(() => h.close());
  const READER_KEY = "a-key-that-reads-the-ledger";
  const OPERATOR_KEY = "a-key-that-operates-deliveries";
  const WRITER_KEY = "a-key-that-only-writes";

  it("refuses a key the role an operation needs, naming the role, and grants the ones it lists", async () => {
    h = await startHarness({
      config: {
        apiKeys: [
          { name: "admin", sha256: sha256Hex(ADMIN_KEY), apps: ["*"] },
          { name: "reader", sha256: sha256Hex(READER_KEY), apps: ["*"], roles: ["ledger:read"] },
          {
            name: "operator",
            sha256: sha256Hex(OPERATOR_KEY),
            apps: [SHOP.appKey],
            roles: ["deliveries:operate", "ledger:read"],
          },
          { name: "writer", sha256: sha256Hex(WRITER_KEY), apps: ["*"], roles: ["orders:write"] },
        ],
      },
    });
    expect(
      (await h.send(ImportOrderDocument, { input: importOrderInput }, READER_KEY)).body,
    ).toEqual({
      data: null,
      errors: [
        {
          message: "This caller lacks the role orders:write, which importOrder needs",
          ...at("importOrder"),
          extensions: { code: "FORBIDDEN", role: "orders:write" },
        },
      ],
    });
    expect(h.emulator.requests).toEqual([]);
    // A key without roles (the admin key) may still do everything.
    await h.send(ImportOrderDocument, { input: importOrderInput });
    expect(
      (await h.send(DeliveriesDocument, {}, READER_KEY)).body.data?.deliveries.edges,
    ).toHaveLength(1);
    const writesOnly = await h.send(DeliveriesDocument, {}, WRITER_KEY);
    expect([writesOnly.status, writesOnly.body]).toEqual([
      403,
      {
        errors: [
          {
            message: "This caller lacks the role ledger:read, which deliveries needs",
            extensions: { code: "FORBIDDEN", role: "ledger:read" },
          },
        ],
      },
    ]);
    expect(
      (await h.send(CancelDeliveryDocument, { id: "1" }, READER_KEY)).body.errors?.[0]?.extensions,
    ).toEqual({ code: "FORBIDDEN", role: "deliveries:operate" });
    // Delivered already: the operator may try, and is told why it cannot.
    expect(
      (await h.send(CancelDeliveryDocument, { id: "1" }, OPERATOR_KEY)).body.errors?.[0]
        ?.extensions,
    ).toMatchObject({ code: "DELIVERY_STATE_CONFLICT", state: "DELIVERED" });
  });
});

describe("the HTTP routes", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("answers GET /healthz with 200 and no key", async () => {
    h = await startHarness();
    const response = await fetch(new URL("/healthz", h.gateway.graphqlUrl));
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: { status: "ok" },
    });
  });

  // What the page holds is the playground's to test (test/browser/playground-page.test.ts).
  it("shows a page to a browser in development mode, without the app secret", async () => {
    h = await startHarness({ config: { mode: "development" } });
    const response = await fetch(h.gateway.graphqlUrl, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<!DOCTYPE html>/i);
    expect(html).not.toContain(SHOP.appSecret);
  });

  it("answers 404 with a hint for any other path", async () => {
    h = await startHarness();
    const response = await fetch(new URL("/", h.gateway.graphqlUrl));
    expect({ status: response.status, text: await response.text() }).toEqual({
      status: 404,
      text: "Not found: GraphQL is served at /graphql",
    });
  });
});
