import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { ENDPOINTS, type EndpointName } from "../src/baidu/endpoints";
import type { FaultAction } from "../src/emulator/server";
import {
  AppendAfterSaleOrdersDocument,
  ImportOrderDocument,
  UpdateAfterSaleOrderDocument,
  UpdateAfterSaleOrderStatusDocument,
  UpdateOrderInfoDocument,
  UpdateOrderLogisticsDocument,
  UpdateOrderStatusDocument,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { SHOP, startHarness, testClock, type Harness, type HarnessOptions } from "./support/harness";

/** The retry policy (issue: retries, E4 append safety, per-order serialisation), seen over HTTP. */
const ORDER = "2221554346520";
const SECOND_ORDER = "3221554346520";

/** Both example orders; with the example after-sale order if asked. */
const seed = (h: Harness, afterSale: boolean) => ex.seedExampleOrders(h.emulator, { afterSale, resourceIds: [ORDER, SECOND_ORDER] });

interface Write {
  field: string;
  endpoint: EndpointName;
  /** Each order written, with the `CateID` Baidu echoes for it. */
  orders: Array<[resourceId: string, categoryCode: number]>;
  send(h: Harness): Promise<{ body: unknown }>;
}

const E1: Write = {
  field: "importOrder",
  endpoint: "addMainInfo",
  orders: [[ORDER, 1]],
  send: (h) => h.send(ImportOrderDocument, { input: ex.importOrderInput }),
};
const E2: Write = {
  field: "updateOrderInfo",
  endpoint: "updateMainInfo",
  orders: [[ORDER, 1]],
  send: (h) => h.send(UpdateOrderInfoDocument, { input: ex.updateOrderInfoInput }),
};
const E3: Write = {
  field: "updateOrderStatus",
  endpoint: "updateMainStatus",
  orders: [
    [ORDER, 2],
    [SECOND_ORDER, 2],
  ],
  send: (h) => h.send(UpdateOrderStatusDocument, { input: ex.updateOrderStatusInput }),
};
const E4: Write = {
  field: "appendAfterSaleOrders",
  endpoint: "appendSubInfo",
  orders: [[ORDER, 2]],
  send: (h) => h.send(AppendAfterSaleOrdersDocument, { input: ex.appendAfterSaleOrdersInput }),
};
const E5: Write = {
  field: "updateAfterSaleOrder",
  endpoint: "updateSubInfo",
  orders: [[ORDER, 2]],
  send: (h) => h.send(UpdateAfterSaleOrderDocument, { input: ex.updateAfterSaleOrderInput }),
};
const E6: Write = {
  field: "updateAfterSaleOrderStatus",
  endpoint: "updateSubStatus",
  orders: [[ORDER, 2]],
  send: (h) => h.send(UpdateAfterSaleOrderStatusDocument, { input: ex.updateAfterSaleOrderStatusInput }),
};
const E7: Write = {
  field: "updateOrderLogistics",
  endpoint: "addMainLogistics",
  orders: [[ORDER, 1]],
  send: (h) => h.send(UpdateOrderLogisticsDocument, { input: ex.updateOrderLogisticsInput }),
};

/** E3 on the second order alone. */
const E3_SECOND: Write = {
  ...E3,
  orders: [[SECOND_ORDER, 2]],
  send: (h) => h.send(UpdateOrderStatusDocument, { input: { ...ex.updateOrderStatusInput, orders: ex.updateOrderStatusInput.orders.slice(1) } }),
};

function applied(write: Write) {
  const results = write.orders.map(([resourceId, categoryCode]) => ({ resourceId, appKey: SHOP.appKey, categoryCode, rowsAffected: 1, applied: true }));
  return { data: { [write.field]: { dryRun: false, allApplied: true, results, request: null } } };
}

function failed(write: Write, message: string, extensions: Record<string, unknown>) {
  return { data: null, errors: [{ message, locations: [{ line: 2, column: 3 }], path: [write.field], extensions }] };
}

const unavailable = (write: Write, cause: string, outcomeUnknown = true) =>
  failed(write, `Baidu is unavailable: ${cause}`, { code: "BAIDU_UNAVAILABLE", outcomeUnknown });

/** The "retrying" warn lines the client logged, in order. */
function retryLines(h: Harness): Array<{ endpoint: string; attempt: number; delayMs: number; code?: string }> {
  const lines = h.logs.map((line) => JSON.parse(line)).filter((line) => line.msg === "Baidu call failed; retrying");
  return lines.map(({ endpoint, attempt, delayMs, error }) => ({ endpoint, attempt, delayMs, ...(error.code ? { code: error.code } : {}) }));
}

/** Lets the event loop run until `condition` holds; no timers. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100_000; turn += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition never held");
}

/** A loopback port with nothing listening on it: connecting is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP relay from a loopback port to the emulator, which the test shuts (connections are refused) and opens again. */
function createRelay(port: number, target: string) {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    async open(): Promise<void> {
      server = createServer((client) => {
        const upstream = connect(Number(targetPort), hostname);
        for (const socket of [client, upstream]) sockets.add(socket.on("error", () => undefined).on("close", () => sockets.delete(socket)));
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    },
    /** Closes the port and every relayed connection; closing a shut relay does nothing. */
    shut(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      const closing = server;
      server = undefined;
      return new Promise((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
    },
  };
}

describe("retries", () => {
  let h: Harness;
  let clock: ReturnType<typeof testClock>;

  async function start(withAfterSale: boolean, options: HarnessOptions = {}): Promise<void> {
    clock = testClock();
    h = await startHarness({ clock: clock.clock, ...options });
    seed(h, withAfterSale);
  }

  /** Run after each test, passed or failed, so nothing is left listening. */
  const cleanups: Array<() => unknown> = [];
  const requestsTo = (write: Write) => h.emulator.requestsTo(write.endpoint);

  afterEach(async () => {
    const pending = h.emulator.faults.pending();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await h.close();
    expect(pending).toEqual([]);
  });

  it.each([E1, E2, E3, E5, E6, E7])("replays $field once after an HTTP 503 and applies it", async (write) => {
    await start(true);
    h.emulator.faults.add({ route: write.endpoint, kind: "http", status: 503 });

    expect((await write.send(h)).body).toEqual(applied(write));
    expect(requestsTo(write)).toHaveLength(2);
    expect(clock.sleeps).toEqual([50]);
  });

  it("answers BAIDU_UNAVAILABLE after maxAttempts (4) failed attempts, backing off 50, 100, 200 ms", async () => {
    await start(true);
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503, times: 4 });

    expect((await E2.send(h)).body).toEqual(unavailable(E2, "Baidu answered HTTP 503"));
    expect(requestsTo(E2)).toHaveLength(4);
    expect(clock.sleeps).toEqual([50, 100, 200]);
    expect(retryLines(h)).toEqual([50, 100, 200].map((delayMs, i) => ({ endpoint: "updateMainInfo", attempt: i + 1, delayMs })));
  });

  it("caps the backoff at maxDelayMs, with the jitter applied under the cap", async () => {
    await start(true, { baidu: { retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 } } });
    h.emulator.faults.add({ route: "updateSubStatus", kind: "http", status: 502, times: 4 });

    expect((await E6.send(h)).body).toEqual(applied(E6));
    expect(requestsTo(E6)).toHaveLength(5);
    expect(clock.sleeps).toEqual([50, 100, 150, 150]);
  });

  it.each([
    { write: E4, withAfterSale: false },
    { write: E5, withAfterSale: true },
  ])("replays $write.field after a QPS rejection (error_code 18), which Baidu did not execute", async ({ write, withAfterSale }) => {
    await start(withAfterSale);
    h.emulator.faults.add({ route: write.endpoint, kind: "errorCode", code: 18 });

    expect((await write.send(h)).body).toEqual(applied(write));
    expect(requestsTo(write)).toHaveLength(2);
    expect(clock.sleeps).toEqual([50]);
  });

  it("tells the caller that appendAfterSaleOrders did not run when Baidu kept refusing it for QPS", async () => {
    await start(false);
    h.emulator.faults.add({ route: "appendSubInfo", kind: "errorCode", code: 18, times: 4 });

    expect((await E4.send(h)).body).toEqual(unavailable(E4, "Baidu gateway error_code 18: Open api qps request limit reached", false));
    expect(requestsTo(E4)).toHaveLength(4);
  });

  const UNKNOWN_OUTCOMES: Array<[string, FaultAction, string]> = [
    ["an HTTP 503", { kind: "http", status: 503 }, "Baidu answered HTTP 503"],
    ["a dropped connection", { kind: "drop" }, "Connection to Baidu failed (UND_ERR_SOCKET)"],
    ["a malformed body", { kind: "malformed" }, "Baidu answered with a body that is not the documented JSON envelope"],
    ["a timeout", { kind: "hang" }, "Baidu did not answer within 250 ms"],
  ];

  it.each(UNKNOWN_OUTCOMES)("answers BAIDU_UNAVAILABLE without replaying appendAfterSaleOrders after %s", async (_label, fault, cause) => {
    await start(false, { baidu: { timeoutMs: 250 } });
    h.emulator.faults.add({ ...fault, route: "appendSubInfo" });

    expect((await E4.send(h)).body).toEqual(unavailable(E4, cause));
    expect(requestsTo(E4)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each(UNKNOWN_OUTCOMES)("replays updateAfterSaleOrder once after %s", async (_label, fault) => {
    await start(true, { baidu: { timeoutMs: 250 } });
    h.emulator.faults.add({ ...fault, route: "updateSubInfo" });

    expect((await E5.send(h)).body).toEqual(applied(E5));
    expect(requestsTo(E5)).toHaveLength(2);
    expect(clock.sleeps).toEqual([50]);
  });

  it("retries a refused connection, which Baidu never saw, then answers BAIDU_UNAVAILABLE", async () => {
    await start(false, { baidu: { baseUrl: `http://127.0.0.1:${await closedPort()}` } });

    expect((await E4.send(h)).body).toEqual(unavailable(E4, "Connection to Baidu failed (ECONNREFUSED)", false));
    expect(clock.sleeps).toEqual([50, 100, 200]);
    // The token comes first, so it is the token request that meets the closed port.
    expect(retryLines(h)).toEqual([50, 100, 200].map((delayMs, i) => ({ endpoint: "token", attempt: i + 1, delayMs, code: "ECONNREFUSED" })));
    expect(h.emulator.requests).toHaveLength(0);
  });

  it("replays appendAfterSaleOrders after a refused connection and applies it once", async () => {
    const port = await closedPort();
    await start(false, { baidu: { baseUrl: `http://127.0.0.1:${port}` } });
    const relay = createRelay(port, h.emulator.url);
    cleanups.push(() => relay.shut());
    await relay.open();
    expect((await E3.send(h)).body).toEqual(applied(E3)); // caches the token
    await relay.shut();

    const release = clock.hold();
    cleanups.push(release);
    const answer = E4.send(h);
    await until(() => clock.sleeps.length === 1);
    await relay.open();
    release();

    expect((await answer).body).toEqual(applied(E4));
    expect(requestsTo(E4)).toHaveLength(1);
    expect(retryLines(h)).toEqual([{ endpoint: "appendSubInfo", attempt: 1, delayMs: 50, code: "ECONNREFUSED" }]);
  });

  const REJECTIONS: Array<[string, FaultAction, string, Record<string, unknown>]> = [
    ["a business errno (40001)", { kind: "errno", errno: 40001 }, "errno 40001: parameter error", { errno: 40001, baiduMessage: "parameter error" }],
    [
      "a spent daily quota (error_code 17)",
      { kind: "errorCode", code: 17 },
      "error_code 17: Open api daily request limit reached",
      { errorCode: 17, baiduMessage: "Open api daily request limit reached" },
    ],
  ];

  it.each(REJECTIONS)("answers BAIDU_REJECTED with Baidu's reason for %s, without a replay", async (_label, fault, reason, details) => {
    await start(true);
    h.emulator.faults.add({ ...fault, route: "updateSubInfo" });

    expect((await E5.send(h)).body).toEqual(failed(E5, `Baidu rejected the request: ${reason}`, { code: "BAIDU_REJECTED", ...details }));
    expect(requestsTo(E5)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("holds a newer write to an order until the older one's retry has landed, and only that order", async () => {
    await start(true);
    h.emulator.faults.add({ route: "updateSubInfo", kind: "http", status: 503 });
    const arrivals = (resourceId: string) =>
      h.emulator.requests
        .filter((request) => (request.body as { Data?: Array<{ ResourceID: string }> })?.Data?.[0]?.ResourceID === resourceId)
        .map((request) => request.path);
    const [e5, e6] = [ENDPOINTS.updateSubInfo.path, ENDPOINTS.updateSubStatus.path];

    const release = clock.hold();
    cleanups.push(release);
    const first = E5.send(h);
    await until(() => clock.sleeps.length === 1); // the 503 came back; the retry waits in its backoff
    const second = E6.send(h);
    // A write to another order is not held up meanwhile; by the time it is answered, the second write waits in the gateway.
    expect((await E3_SECOND.send(h)).body).toEqual(applied(E3_SECOND));
    expect(arrivals(ORDER)).toEqual([e5]);

    release();
    expect((await first).body).toEqual(applied(E5));
    expect((await second).body).toEqual(applied(E6));
    expect(arrivals(ORDER)).toEqual([e5, e5, e6]);
    expect(clock.sleeps).toEqual([50]);
  });
});
