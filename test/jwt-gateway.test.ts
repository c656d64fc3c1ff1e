import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "graphql";
import { UnsecuredJWT } from "jose";
import { mintDevToken } from "../src/auth/dev-token";
import { Role } from "../src/auth/roles";
import { ENDPOINTS, TOKEN_PATH } from "../src/baidu/endpoints";
import { loadConfig } from "../src/config/load";
import { withEmulator } from "../src/dev/mode";
import { createLogger } from "../src/ops/log";
import { startGateway } from "../src/server";
import { testStore } from "./support/store";
import { AppsDocument, ImportOrderDocument, LedgerOrderDocument } from "./generated/graphql";
import { importOrderInput } from "./support/examples";
import { OTHER, SHOP, startHarness, testClock, type Harness } from "./support/harness";
import {
  AUDIENCE,
  generateProviderKey,
  jwtConfigFor,
  startIdentityProvider,
  type IdentityProvider,
} from "./support/jwks";

/**
 * The gateway's clock starts at the real time, so these tests hold whether the authenticator
 * judges tokens by it or by the system's; the tests of time itself are in jwt.test.ts.
 */
const NOW = Date.now();

/** The compiled command `npm run dev-token` runs (npm test builds it first). */
const DEV_TOKEN_CLI = join(__dirname, "..", "dist", "src", "cli", "dev-token.js");
const run = promisify(execFile);

const op = <V = Record<string, never>>(source: string) =>
  parse(source) as TypedDocumentNode<any, V>;
const Deliveries = op(`query Deliveries {
  deliveries(first: 10) { edges { node { id appKey operation caller state } } }
}`);
const Retry = op<{ id: string }>(`mutation Retry($id: ID!) {
  retryDelivery(id: $id) { id appKey operation caller }
}`);
const Cancel = op<{ id: string }>(`mutation Cancel($id: ID!) {
  cancelDelivery(id: $id) { id }
}`);
const toOther = { ...importOrderInput, appKey: OTHER.appKey };

/** `print()` puts the operation's first field on line 2, column 3. */
const forbidden = (field: string, message: string, extensions: Record<string, unknown>) => ({
  data: null,
  errors: [
    {
      message,
      locations: [{ line: 2, column: 3 }],
      path: [field],
      extensions: { code: "FORBIDDEN", ...extensions },
    },
  ],
});
/** A write's role is checked as it runs (with its app), a read's before anything runs (403). */
const lacksToWrite = (field: string, role: string) =>
  forbidden(field, `This caller lacks the role ${role}, which ${field} needs`, { role });
const lacks = (field: string, role: string) => ({
  errors: [
    {
      message: `This caller lacks the role ${role}, which ${field} needs`,
      extensions: { code: "FORBIDDEN", role },
    },
  ],
});

const APPLIED = {
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
};

describe("a gateway with an identity provider", () => {
  let provider: IdentityProvider;
  let h: Harness;
  const token = (sub: string, roles: string[], apps = [SHOP.appKey]) =>
    provider.sign(NOW, { sub, roles, baidu_apps: apps });

  beforeEach(async () => {
    provider = await startIdentityProvider();
    h = await startHarness({
      config: { auth: { jwt: jwtConfigFor(provider) } },
      clock: testClock(NOW).clock,
    });
  });
  afterEach(async () => {
    await h.close();
    await provider.close();
  });

  it("lets a token with orders:write write to its apps, and refuses it the others and the ledger", async () => {
    const writer = await token("writer", [Role.WRITE_ORDERS]);
    expect((await h.send(ImportOrderDocument, { input: importOrderInput }, writer)).body).toEqual(
      APPLIED,
    );
    expect((await h.send(ImportOrderDocument, { input: toOther }, writer)).body).toEqual(
      forbidden("importOrder", "This caller may not act for the Baidu app named in input.appKey", {
        argument: "input.appKey",
      }),
    );
    expect((await h.send(Deliveries, {}, writer)).body).toEqual(lacks("deliveries", "ledger:read"));
    expect((await h.send(Retry, { id: "1" }, writer)).body).toEqual(
      lacks("retryDelivery", "deliveries:operate"),
    );
    expect(h.emulator.requests.map((r) => r.path)).toEqual([
      TOKEN_PATH,
      ENDPOINTS.addMainInfo.path,
    ]);
  });

  it("lets a token with ledger:read read the deliveries of its apps, each naming its writer", async () => {
    await h.send(
      ImportOrderDocument,
      { input: importOrderInput },
      await token("writer", [Role.WRITE_ORDERS]),
    );
    await h.send(ImportOrderDocument, { input: toOther });
    const reader = await token("reader", [Role.READ_LEDGER]);
    expect((await h.send(Deliveries, {}, reader)).body).toEqual({
      data: {
        deliveries: {
          edges: [
            {
              node: {
                id: "1",
                appKey: SHOP.appKey,
                operation: "importOrder",
                caller: "jwt:writer",
                state: "DELIVERED",
              },
            },
          ],
        },
      },
    });
    expect(
      (
        await h.send(
          LedgerOrderDocument,
          { appKey: OTHER.appKey, resourceId: "2221554346520" },
          reader,
        )
      ).body,
    ).toEqual({
      ...forbidden("order", "This caller may not act for the Baidu app named in appKey", {
        argument: "appKey",
      }),
      data: { order: null },
    });
    expect((await h.send(ImportOrderDocument, { input: importOrderInput }, reader)).body).toEqual(
      lacksToWrite("importOrder", "orders:write"),
    );
    expect((await h.send(AppsDocument, {}, reader)).body).toEqual({
      data: { apps: [{ appKey: SHOP.appKey, name: "shop" }] },
    });
  });

  it("lets a token with deliveries:operate retry and cancel the deliveries of its apps only", async () => {
    h.emulator.faults.add({ route: "addMainInfo", kind: "errno", errno: 40001 });
    expect(
      (await h.send(ImportOrderDocument, { input: importOrderInput })).body.errors?.[0]?.extensions,
    ).toMatchObject({ code: "BAIDU_REJECTED", deliveryId: "1" });
    await h.send(ImportOrderDocument, { input: toOther });
    // Retrying answers with the delivery, which takes the right to read the ledger too.
    const blind = await token("blind", [Role.OPERATE_DELIVERIES]);
    expect((await h.send(Retry, { id: "1" }, blind)).body).toEqual(
      lacks("retryDelivery", "ledger:read"),
    );
    const operator = await token("operator", [Role.OPERATE_DELIVERIES, Role.READ_LEDGER]);
    expect((await h.send(Retry, { id: "1" }, operator)).body).toEqual({
      data: {
        retryDelivery: {
          id: "3",
          appKey: SHOP.appKey,
          operation: "importOrder",
          caller: "jwt:operator",
        },
      },
    });
    // Delivery 2 is OTHER's, which the token may not act for: as if there were none.
    for (const document of [Retry, Cancel])
      expect((await h.send(document, { id: "2" }, operator)).body.errors?.[0]?.extensions).toEqual({
        code: "NOT_FOUND",
      });
    const reader = await token("reader", [Role.READ_LEDGER]);
    expect((await h.send(Retry, { id: "1" }, reader)).body).toEqual(
      lacks("retryDelivery", "deliveries:operate"),
    );
  });

  it("refuses, before anything is written, a write whose answer selects a field that leads to the rest of the ledger, to a token without ledger:read", async () => {
    const Tracked = op<{ input: unknown }>(`mutation Tracked($input: ImportOrderInput!) {
      importOrder(input: $input) { allApplied delivery { id state orders { resourceId } } }
    }`);
    const writer = await token("writer", [Role.WRITE_ORDERS]);
    const { status, body } = await h.send(Tracked, { input: importOrderInput }, writer);
    expect({ status, body }).toEqual({
      status: 403,
      body: {
        errors: [
          {
            message: "This caller lacks the role ledger:read, which Delivery.orders needs",
            extensions: { code: "FORBIDDEN", role: "ledger:read" },
          },
        ],
      },
    });
    // Nothing was accepted, nothing sent: the caller may send it again without the field.
    expect(h.emulator.requestsTo("addMainInfo")).toEqual([]);
    expect(await h.sql.query("select id from deliveries")).toEqual([]);
  });

  it.each([
    [
      "EXPIRED",
      "The token has expired (exp)",
      () => provider.sign(NOW, { exp: Math.floor(NOW / 1000) - 3600 }),
    ],
    [
      "NOT_YET_VALID",
      "The token is not valid yet (nbf)",
      () => provider.sign(NOW, { nbf: Math.floor(NOW / 1000) + 3600 }),
    ],
    [
      "WRONG_AUDIENCE",
      "The token is not meant for this gateway (aud)",
      () => provider.sign(NOW, { aud: "other" }),
    ],
    [
      "BAD_SIGNATURE",
      "The token's signature does not verify",
      async () => provider.sign(NOW, {}, { key: await generateProviderKey("key-1") }),
    ],
    [
      "ALGORITHM_NOT_ALLOWED",
      "The token's algorithm (alg) is not one this gateway accepts",
      async () => new UnsecuredJWT({ sub: "x", aud: AUDIENCE }).setIssuer(provider.issuer).encode(),
    ],
  ])(
    "answers HTTP 401 UNAUTHENTICATED %s, and calls no one upstream",
    async (reason, message, make) => {
      const { status, body } = await h.send(
        ImportOrderDocument,
        { input: importOrderInput },
        await make(),
      );
      expect({ status, body }).toEqual({
        status: 401,
        body: { errors: [{ message, extensions: { code: "UNAUTHENTICATED", reason } }] },
      });
      expect(h.emulator.requests).toEqual([]);
    },
  );

  it("answers HTTP 503 KEYS_UNAVAILABLE while it has never reached the provider's keys", async () => {
    provider.setState("503");
    const { status, body } = await h.send(AppsDocument, {}, await token("u", []));
    expect({ status, body }).toEqual({
      status: 503,
      body: {
        errors: [
          {
            message: "The identity provider's keys cannot be fetched now; try again later",
            extensions: { code: "UNAUTHENTICATED", reason: "KEYS_UNAVAILABLE" },
          },
        ],
      },
    });
  });
});

describe("development tokens at the gateway", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("let a development gateway with its emulator write with the token npm run dev-token mints", async () => {
    h = await startHarness({
      config: { mode: "development", emulator: true },
      clock: testClock(NOW).clock,
    });
    const token = await mintDevToken({ now: NOW, subject: "ana" });
    expect((await h.send(ImportOrderDocument, { input: importOrderInput }, token)).body).toEqual(
      APPLIED,
    );
    expect((await h.send(Deliveries, {}, token)).body.data.deliveries.edges[0].node.caller).toBe(
      "jwt:ana",
    );
  });

  it("are printed by npm run dev-token, and sign in at a gateway that npm start would start", async () => {
    const { stdout, stderr } = await run(process.execPath, [
      DEV_TOKEN_CLI,
      "--sub",
      "ana",
      "--role",
      "ledger:read",
    ]);
    expect(stderr).toBe(
      "Development token for ana: apps *; roles ledger:read; valid 900 s. Accepted only by a gateway in development mode with its emulator.\n",
    );
    const dev = await withEmulator({ ...loadConfig({ GATEWAY_DATA_DIR: "memory://" }), port: 0 });
    const gateway = await startGateway({
      config: dev.config,
      logger: createLogger({ level: "error", write: () => {} }),
      sql: await testStore(),
    });
    try {
      const answer = async (query: string) => {
        const response = await fetch(gateway.graphqlUrl, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${stdout.trim()}` },
          body: JSON.stringify({ query }),
        });
        return response.json();
      };
      expect(await answer("{ deliveries { edges { node { id } } } }")).toEqual({
        data: { deliveries: { edges: [] } },
      });
      expect(await answer("{ apps { name } }")).toEqual({ data: { apps: [{ name: "emulator" }] } });
    } finally {
      await gateway.close();
      await dev.emulator.close();
    }
  });

  it("are refused by a production gateway", async () => {
    h = await startHarness({ clock: testClock(NOW).clock });
    const { status, body } = await h.send(AppsDocument, {}, await mintDevToken({ now: NOW }));
    expect({ status, body }).toEqual({
      status: 401,
      body: {
        errors: [
          {
            message:
              "Development tokens are accepted only by a gateway in development mode with its emulator",
            extensions: { code: "UNAUTHENTICATED", reason: "WRONG_ISSUER" },
          },
        ],
      },
    });
  });
});
