import { secretSeal } from "../src/baidu/token-seal";
import { startEmulator, type Emulator } from "../src/emulator/server";
import { UpdateAfterSaleOrderDocument } from "./generated/graphql";
import * as ex from "./support/examples";
import { eventually } from "./support/eventually";
import { ADMIN_KEY, OTHER, SHOP, startHarness, testClock, type Harness } from "./support/harness";
import { SENDERS } from "./support/order-writes";
import { spawnGateway, sumSamples } from "./support/spawned";
import { freshStoreConfig, STORE_KINDS } from "./support/store";

const metricsOf = async (h: Harness) =>
  (await fetch(h.gateway.graphqlUrl.replace(/\/graphql$/, "/metrics"))).text();
const readyz = async (h: Harness) => {
  const response = await fetch(h.gateway.graphqlUrl.replace(/\/graphql$/, "/readyz"));
  return { status: response.status, body: await response.json() };
};

describe.each(STORE_KINDS)("what an operator reads, on %s", (kind) => {
  let h: Harness;
  afterEach(() => h.close());

  it("counts this process's attempts, accepted writes and token requests in /metrics, and the ledger's open deliveries", async () => {
    h = await startHarness({ store: kind });
    ex.seedExampleOrders(h.emulator, { afterSale: true });
    expect(
      (await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput })).body
        .errors,
    ).toBeUndefined();
    const text = await metricsOf(h);
    const sample = (name: string, labels: Record<string, string> = {}) =>
      sumSamples(text, name, labels);
    expect(
      sample("baidu_gateway_baidu_attempts_total", {
        endpoint: "updateSubInfo",
        outcome: "DELIVERED",
      }),
    ).toBe(1);
    expect(sample("baidu_gateway_writes_accepted_total", { endpoint: "updateSubInfo" })).toBe(1);
    expect(sample("baidu_gateway_baidu_token_requests_total", { app: SHOP.appKey })).toBe(1);
    expect(sample("baidu_gateway_ledger_deliveries", { state: "PENDING" })).toBe(0);
    expect(sample("baidu_gateway_ledger_deliveries", { state: "SENDING" })).toBe(0);
    expect(sample("baidu_gateway_store_statements_total")).toBeGreaterThan(0);
    expect(sample("baidu_gateway_deliveries_ended_total", { state: "DELIVERED" })).toBe(1);
    expect(
      sample("baidu_gateway_baidu_attempt_seconds_count", {
        endpoint: "updateSubInfo",
        outcome: "DELIVERED",
      }),
    ).toBe(1);
    expect(
      sample("baidu_gateway_operations_total", { operation: "updateAfterSaleOrder", code: "OK" }),
    ).toBe(1);
    expect(text).toMatch(/# HELP baidu_gateway_ledger_deliveries .*aggregate with max, not sum/);
    expect(text).toMatch(/# HELP baidu_gateway_baidu_attempts_total .*aggregate with sum/);
    // Neither the app secret nor the access token is in it.
    const token = h.emulator.requestsTo("updateSubInfo")[0]!.query.access_token!;
    expect([text.includes(SHOP.appSecret), text.includes(token), text.includes(ADMIN_KEY)]).toEqual(
      [false, false, false],
    );
  });

  it("counts operations by their first field and outcome code, never by a name the client chose", async () => {
    h = await startHarness({ store: kind });
    const post = (query: string) =>
      fetch(h.gateway.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ query }),
      });
    await post("query MyOwnName { apps { appKey } }");
    await post("{ ZQXMARK }");
    await post('{ delivery(id: "1") { id } }');
    const text = await metricsOf(h);
    expect(
      sumSamples(text, "baidu_gateway_operations_total", { operation: "apps", code: "OK" }),
    ).toBe(1);
    expect(
      sumSamples(text, "baidu_gateway_operations_total", {
        operation: "unparsed",
        code: "GRAPHQL_VALIDATION_FAILED",
      }),
    ).toBe(1);
    expect(
      sumSamples(text, "baidu_gateway_operations_total", { operation: "delivery", code: "OK" }),
    ).toBe(1);
    expect([text.includes("MyOwnName"), text.includes("ZQXMARK")]).toEqual([false, false]);
  });

  it("shows a pending delivery in the shared figures while Baidu is down", async () => {
    const clock = testClock();
    const release = clock.hold();
    h = await startHarness({ store: kind, clock: clock.clock, delivery: { waitMs: 0 } });
    h.emulator.faults.add({ route: "updateSubInfo", kind: "http", status: 503 });
    await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    // The first attempt failed, and time stands still before the next: the delivery waits in the
    // ledger.
    const text = await eventually(async () => {
      const scraped = await metricsOf(h);
      // The attempt is counted when it ends, and recorded in the ledger just after.
      const pending =
        sumSamples(scraped, "baidu_gateway_ledger_deliveries", { state: "PENDING" }) === 1;
      return (
        sumSamples(scraped, "baidu_gateway_baidu_attempts_total", {
          outcome: "OUTCOME_UNKNOWN",
        }) === 1 &&
        pending &&
        scraped
      );
    });
    expect(sumSamples(text, "baidu_gateway_ledger_deliveries", { state: "PENDING" })).toBe(1);
    expect(sumSamples(text, "baidu_gateway_ledger_deliveries", { state: "SENDING" })).toBe(0);
    release();
  });

  it("is ready while the store answers, and says so when it does not", async () => {
    let failing = false;
    h = await startHarness({
      store: kind,
      wrapSql: (sql) => ({
        ...sql,
        query: (text, params) =>
          failing ? Promise.reject(new Error("store down")) : sql.query(text, params),
      }),
    });
    expect(await readyz(h)).toEqual({ status: 200, body: { status: "ready" } });
    failing = true;
    expect(await readyz(h)).toEqual({ status: 503, body: { status: "store unavailable" } });
    // Metrics still answer, with the per-replica figures, and count the failed read of the shared
    // ones.
    const text = await metricsOf(h);
    expect(sumSamples(text, "baidu_gateway_ledger_read_failures_total", {})).toBe(1);
    expect(text).toContain("baidu_gateway_baidu_attempts_total");
    failing = false;
  });

  it("keeps the access token in the store sealed with the app secret, not as it is", async () => {
    h = await startHarness({ store: kind });
    ex.seedExampleOrders(h.emulator, { afterSale: true });
    await h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput });
    const token = h.emulator.requestsTo("updateSubInfo")[0]!.query.access_token!;
    const [row] = await h.sql.query<{ sealed: string; fetched_by: string }>(
      "select sealed, fetched_by from baidu_tokens where app_key = $1",
      [SHOP.appKey],
    );
    expect(row!.sealed).not.toContain(token);
    expect(row!.sealed).not.toContain(token.split(".")[1]!);
    expect(secretSeal([SHOP, OTHER]).open(SHOP.appKey, row!.sealed)).toBe(token);
    // Another secret cannot open it, nor can another app with the same secret, nor a cut tag.
    expect(
      secretSeal([{ ...SHOP, appSecret: "another-secret" }]).open(SHOP.appKey, row!.sealed),
    ).toBeUndefined();
    expect(
      secretSeal([{ ...OTHER, appSecret: SHOP.appSecret }]).open(OTHER.appKey, row!.sealed),
    ).toBeUndefined();
    expect(secretSeal([SHOP]).open(SHOP.appKey, row!.sealed.slice(0, -16))).toBeUndefined();
    expect(row!.fetched_by).toMatch(/:\d+$/);
  });
});

describe("a restarted gateway", () => {
  jest.setTimeout(60_000);
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ apps: [SHOP, OTHER] });
  });
  afterAll(() => emulator.close());

  it.each(STORE_KINDS)(
    "reuses the token of record on %s instead of asking Baidu again",
    async (kind) => {
      const store = await freshStoreConfig(kind);
      try {
        emulator.clearRequests();
        for (const round of [1, 2]) {
          const gateway = await spawnGateway(emulator.url, store);
          const answer = await SENDERS.updateSubInfo(
            gateway,
            `restart-${kind}-${round}`,
            `restart-${kind}-${round}`,
          );
          expect(answer.errors).toBeUndefined();
          await gateway.stop();
        }
        expect(emulator.requestsTo("updateSubInfo")).toHaveLength(2);
        expect(emulator.requestsTo("token")).toHaveLength(1);
      } finally {
        await store.drop();
      }
    },
  );
});
