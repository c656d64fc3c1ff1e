import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { ENDPOINTS, type EndpointName } from "../src/baidu/endpoints";
import type { FaultAction } from "../src/emulator/server";
import * as ex from "./support/examples";
import {
  attempts,
  DeliveryQuery,
  HTTP_503,
  lastError,
  QPS,
  retryLines,
  settled,
  trackedWrite,
  until,
  type Failure,
  type WriteField,
} from "./support/delivery-helpers";
import {
  SHOP,
  startHarness,
  testClock,
  type Harness,
  type HarnessOptions,
} from "./support/harness";

/**
 * The retry policy of the delivery worker (retries with backoff until the deadline, E4 append
 * safety, per-order order), seen over HTTP: every write is committed to the ledger, then delivered
 * one HTTP request per attempt; the mutation (WAIT mode) answers with what became of it.
 */
const ORDER = "2221554346520";
const SECOND_ORDER = "3221554346520";

/** Both example orders; with the example after-sale order if asked. */
const seed = (h: Harness, afterSale: boolean) =>
  ex.seedExampleOrders(h.emulator, { afterSale, resourceIds: [ORDER, SECOND_ORDER] });

interface Write {
  field: WriteField;
  endpoint: EndpointName;
  /** Each order written, with the `CateID` Baidu echoes for it. */
  orders: Array<[resourceId: string, categoryCode: number]>;
  input: unknown;
}

/** Sends the write in WAIT mode, reading its payload and its delivery. */
const send = (h: Harness, write: Write) =>
  h.send(trackedWrite(write.field), { input: write.input });

const E1: Write = {
  field: "importOrder",
  endpoint: "addMainInfo",
  orders: [[ORDER, 1]],
  input: ex.importOrderInput,
};
const E2: Write = {
  field: "updateOrderInfo",
  endpoint: "updateMainInfo",
  orders: [[ORDER, 1]],
  input: ex.updateOrderInfoInput,
};
const E3: Write = {
  field: "updateOrderStatus",
  endpoint: "updateMainStatus",
  orders: [
    [ORDER, 2],
    [SECOND_ORDER, 2],
  ],
  input: ex.updateOrderStatusInput,
};
const E4: Write = {
  field: "appendAfterSaleOrders",
  endpoint: "appendSubInfo",
  orders: [[ORDER, 2]],
  input: ex.appendAfterSaleOrdersInput,
};
const E5: Write = {
  field: "updateAfterSaleOrder",
  endpoint: "updateSubInfo",
  orders: [[ORDER, 2]],
  input: ex.updateAfterSaleOrderInput,
};
const E6: Write = {
  field: "updateAfterSaleOrderStatus",
  endpoint: "updateSubStatus",
  orders: [[ORDER, 2]],
  input: ex.updateAfterSaleOrderStatusInput,
};
const E7: Write = {
  field: "updateOrderLogistics",
  endpoint: "addMainLogistics",
  orders: [[ORDER, 1]],
  input: ex.updateOrderLogisticsInput,
};

/** E3 on the second order alone. */
const E3_SECOND: Write = {
  ...E3,
  orders: [[SECOND_ORDER, 2]],
  input: { ...ex.updateOrderStatusInput, orders: ex.updateOrderStatusInput.orders.slice(1) },
};

/** A delivered write's payload: Baidu applied every order, after the failed attempts given. */
function applied(write: Write, failures: readonly Failure[] = [], id = "1") {
  const results = write.orders.map(([resourceId, categoryCode]) => ({
    resourceId,
    appKey: SHOP.appKey,
    categoryCode,
    rowsAffected: 1,
    applied: true,
  }));
  const delivery = {
    id,
    state: "DELIVERED",
    attemptCount: failures.length + 1,
    // An attempt that may have run at Baidu unheard stays on record after the write landed.
    outcomeUnknown: failures.some((failure) => failure.verdict === "OUTCOME_UNKNOWN"),
    lastError: null,
    attempts: attempts(failures, true),
  };
  return {
    data: { [write.field]: { dryRun: false, allApplied: true, results, request: null, delivery } },
  };
}

/**
 * The payload of a write whose delivery ended, or still waits, without Baidu's results: no GraphQL
 * error.
 */
function unresolved(
  write: Write,
  state: string,
  failures: readonly Failure[],
  outcomeUnknown: boolean,
) {
  const delivery = {
    id: "1",
    state,
    attemptCount: failures.length,
    outcomeUnknown,
    lastError: lastError(failures.at(-1)!),
    attempts: attempts(failures, false),
  };
  return {
    data: {
      [write.field]: { dryRun: false, allApplied: false, results: [], request: null, delivery },
    },
  };
}

function failed(write: Write, message: string, extensions: Record<string, unknown>) {
  return {
    data: null,
    errors: [{ message, locations: [{ line: 2, column: 3 }], path: [write.field], extensions }],
  };
}

const HTTP_502: Failure = {
  verdict: "OUTCOME_UNKNOWN",
  message: "Baidu answered HTTP 502",
  httpStatus: 502,
};
const REFUSED: Failure = {
  verdict: "UNAVAILABLE",
  message: "Connection to Baidu failed (ECONNREFUSED)",
};

/**
 * A short deadline, so that a write that keeps failing ends FAILED quickly: with random 0.5 the
 * backoffs are 50, 100, 150, 150, …; after the 8th attempt (at 900 ms) the next would be at 1050
 * ms.
 */
const SHORT_DEADLINE = { deadlineMs: 1000, retry: { baseDelayMs: 100, maxDelayMs: 300 } };
/**
 * Load refusals without the pause every process takes after them, for tests of the delivery's own
 * backoff.
 */
const NO_PAUSE = { budget: { callsPerSecond: null, recoverMs: 10_000, pauseMs: 0 } };
const BACKOFFS_UNTIL_DEADLINE = [50, 100, 150, 150, 150, 150, 150];
const repeat = <T>(value: T, times: number): T[] => Array.from({ length: times }, () => value);

/** The worker's "trying again later" lines for delivery 1: one per backoff. */
const retriesOf = (write: Write, failure: Failure, delays: readonly number[], level = "warn") =>
  delays.map((retryInMs) => ({
    level,
    deliveryId: 1,
    endpoint: write.endpoint,
    verdict: failure.verdict,
    error: failure.message,
    retryInMs,
  }));

/** A loopback port with nothing listening on it: connecting is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A TCP relay from a loopback port to the emulator, which the test shuts (connections are refused)
 * and opens again.
 */
function createRelay(port: number, target: string) {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    async open(): Promise<void> {
      server = createServer((client) => {
        const upstream = connect(Number(targetPort), hostname);
        for (const socket of [client, upstream])
          sockets.add(
            socket.on("error", () => undefined).on("close", () => sockets.delete(socket)),
          );
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
  let clock: { sleeps: number[]; hold(): () => void };

  async function start(withAfterSale: boolean, options: HarnessOptions = {}): Promise<void> {
    const made = testClock();
    clock = made;
    h = await startHarness({ clock: made.clock, ...options });
    seed(h, withAfterSale);
  }

  /** Run after each test, passed or failed, so nothing is left listening or held. */
  const cleanups: Array<() => unknown> = [];
  const requestsTo = (write: Write) => h.emulator.requestsTo(write.endpoint);

  afterEach(async () => {
    const pending = h.emulator.faults.pending();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await h.close();
    expect(pending).toEqual([]);
  });

  it.each([E1, E2, E3, E5, E6, E7])(
    "replays $field once after an HTTP 503 and applies it",
    async (write) => {
      await start(true);
      h.emulator.faults.add({ route: write.endpoint, kind: "http", status: 503 });

      expect((await send(h, write)).body).toEqual(applied(write, [HTTP_503]));
      expect(requestsTo(write)).toHaveLength(2);
      expect(clock.sleeps).toEqual([50]);
    },
  );

  it("keeps retrying with backoff 50, 100, 200 ms and delivers on the 4th attempt", async () => {
    await start(true);
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503, times: 3 });

    expect((await send(h, E2)).body).toEqual(applied(E2, repeat(HTTP_503, 3)));
    expect(requestsTo(E2)).toHaveLength(4);
    expect(clock.sleeps).toEqual([50, 100, 200]);
    expect(retryLines(h)).toEqual(retriesOf(E2, HTTP_503, [50, 100, 200]));
  });

  it("caps the backoff at maxDelayMs, with the jitter applied under the cap", async () => {
    await start(true, { delivery: { retry: { baseDelayMs: 100, maxDelayMs: 300 } } });
    h.emulator.faults.add({ route: "updateSubStatus", kind: "http", status: 502, times: 4 });

    expect((await send(h, E6)).body).toEqual(applied(E6, repeat(HTTP_502, 4)));
    expect(requestsTo(E6)).toHaveLength(5);
    expect(clock.sleeps).toEqual([50, 100, 150, 150]);
  });

  it("ends FAILED with the last error once the deadline passes, and answers with that delivery", async () => {
    await start(true, { delivery: SHORT_DEADLINE });
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503, times: 8 });

    expect((await send(h, E2)).body).toEqual(unresolved(E2, "FAILED", repeat(HTTP_503, 8), true));
    expect(requestsTo(E2)).toHaveLength(8);
    expect(clock.sleeps).toEqual(BACKOFFS_UNTIL_DEADLINE);
    const ended = h.logs
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === "Delivery failed: its deadline passed");
    expect(
      ended.map(({ level, deliveryId, endpoint, error }) => ({
        level,
        deliveryId,
        endpoint,
        error,
      })),
    ).toEqual([
      {
        level: "error",
        deliveryId: 1,
        endpoint: "updateMainInfo",
        error: "Baidu answered HTTP 503",
      },
    ]);
  });

  it("answers with the pending delivery when Baidu is still failing at the end of the wait budget, and delivers it later", async () => {
    await start(true, { delivery: { waitMs: 500 } });
    h.emulator.faults.add({ route: "updateMainInfo", kind: "http", status: 503 });
    const release = clock.hold(); // the backoff after the 503 lasts until the test releases it
    cleanups.push(release);

    expect((await send(h, E2)).body).toEqual(unresolved(E2, "PENDING", [HTTP_503], true));
    expect(requestsTo(E2)).toHaveLength(1);
    expect(clock.sleeps).toEqual([50]);

    release();
    expect(await settled(h, "1")).toEqual(applied(E2, [HTTP_503]).data[E2.field]!.delivery);
    expect(requestsTo(E2)).toHaveLength(2);
  });

  it.each([
    { write: E4, withAfterSale: false },
    { write: E5, withAfterSale: true },
  ])(
    "replays $write.field after a QPS rejection (error_code 18), which Baidu did not execute",
    async ({ write, withAfterSale }) => {
      await start(withAfterSale);
      h.emulator.faults.add({ route: write.endpoint, kind: "errorCode", code: 18 });

      expect((await send(h, write)).body).toEqual(applied(write, [QPS]));
      expect(requestsTo(write)).toHaveLength(2);
      // The backoff, then the rest of the app's one-second pause after a load refusal.
      expect(clock.sleeps).toEqual([50, 950]);
    },
  );

  it("keeps sending appendAfterSaleOrders that Baidu refuses for QPS until the deadline, and says it did not run", async () => {
    // No pause after a load refusal: only the delivery's own backoff spaces the attempts.
    await start(false, { delivery: SHORT_DEADLINE, baidu: NO_PAUSE });
    h.emulator.faults.add({ route: "appendSubInfo", kind: "errorCode", code: 18, times: 8 });

    expect((await send(h, E4)).body).toEqual(unresolved(E4, "FAILED", repeat(QPS, 8), false));
    expect(requestsTo(E4)).toHaveLength(8);
    expect(clock.sleeps).toEqual(BACKOFFS_UNTIL_DEADLINE);
  });

  const UNKNOWN_OUTCOMES: Array<[string, FaultAction, Failure]> = [
    ["an HTTP 503", { kind: "http", status: 503 }, HTTP_503],
    [
      "a dropped connection",
      { kind: "drop" },
      { verdict: "OUTCOME_UNKNOWN", message: "Connection to Baidu failed (UND_ERR_SOCKET)" },
    ],
    [
      "a malformed body",
      { kind: "malformed" },
      {
        verdict: "OUTCOME_UNKNOWN",
        message: "Baidu answered with a body that is not the documented JSON envelope",
      },
    ],
    [
      "a timeout",
      { kind: "hang" },
      { verdict: "OUTCOME_UNKNOWN", message: "Baidu did not answer within 250 ms" },
    ],
  ];

  it.each(UNKNOWN_OUTCOMES)(
    "ends appendAfterSaleOrders OUTCOME_UNKNOWN without replaying it after %s",
    async (_label, fault, failure) => {
      await start(false, { baidu: { timeoutMs: 250 } });
      h.emulator.faults.add({ ...fault, route: "appendSubInfo" });

      expect((await send(h, E4)).body).toEqual(unresolved(E4, "OUTCOME_UNKNOWN", [failure], true));
      expect(requestsTo(E4)).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
    },
  );

  it.each(UNKNOWN_OUTCOMES)(
    "replays updateAfterSaleOrder once after %s",
    async (_label, fault, failure) => {
      await start(true, { baidu: { timeoutMs: 250 } });
      h.emulator.faults.add({ ...fault, route: "updateSubInfo" });

      expect((await send(h, E5)).body).toEqual(applied(E5, [failure]));
      expect(requestsTo(E5)).toHaveLength(2);
      expect(clock.sleeps).toEqual([50]);
    },
  );

  it("retries a refused connection, which Baidu never saw, until the deadline, then ends FAILED", async () => {
    await start(false, {
      baidu: { baseUrl: `http://127.0.0.1:${await closedPort()}` },
      delivery: SHORT_DEADLINE,
    });

    expect((await send(h, E4)).body).toEqual(unresolved(E4, "FAILED", repeat(REFUSED, 8), false));
    expect(clock.sleeps).toEqual(BACKOFFS_UNTIL_DEADLINE);
    // The token comes first, so it is the token request that meets the closed port, on every
    // attempt.
    expect(retryLines(h)).toEqual(retriesOf(E4, REFUSED, BACKOFFS_UNTIL_DEADLINE));
    expect(h.emulator.requests).toHaveLength(0);
  });

  it("replays appendAfterSaleOrders after a refused connection and applies it once", async () => {
    const port = await closedPort();
    await start(false, { baidu: { baseUrl: `http://127.0.0.1:${port}` } });
    const relay = createRelay(port, h.emulator.url);
    cleanups.push(() => relay.shut());
    await relay.open();
    expect((await send(h, E3)).body).toEqual(applied(E3)); // caches the token
    await relay.shut();

    const release = clock.hold();
    cleanups.push(release);
    const answer = send(h, E4);
    await until(() => clock.sleeps.length === 1);
    await relay.open();
    release();

    expect((await answer).body).toEqual(applied(E4, [REFUSED], "2"));
    expect(requestsTo(E4)).toHaveLength(1);
    expect(retryLines(h)).toEqual([
      {
        level: "warn",
        deliveryId: 2,
        endpoint: "appendSubInfo",
        verdict: "UNAVAILABLE",
        error: REFUSED.message,
        retryInMs: 50,
      },
    ]);
  });

  const REJECTIONS: Array<[string, FaultAction, Failure, string, Record<string, unknown>]> = [
    [
      "a business errno (40001)",
      { kind: "errno", errno: 40001 },
      {
        verdict: "REJECTED",
        message: "Baidu errno 40001: parameter error",
        errno: 40001,
        baiduMessage: "parameter error",
      },
      "errno 40001: parameter error",
      { errno: 40001, baiduMessage: "parameter error" },
    ],
    [
      "a spent daily quota (error_code 17)",
      { kind: "errorCode", code: 17 },
      {
        verdict: "REJECTED",
        message: "Baidu gateway error_code 17: Open api daily request limit reached",
        errorCode: 17,
        baiduMessage: "Open api daily request limit reached",
      },
      "error_code 17: Open api daily request limit reached",
      { errorCode: 17, baiduMessage: "Open api daily request limit reached" },
    ],
    [
      "an HTTP 404",
      { kind: "http", status: 404 },
      { verdict: "REJECTED", message: "Baidu answered HTTP 404", httpStatus: 404 },
      "HTTP 404",
      { httpStatus: 404 },
    ],
  ];

  it.each(REJECTIONS)(
    "answers BAIDU_REJECTED with Baidu's reason for %s, without a replay, and ends the delivery FAILED",
    async (_label, fault, failure, reason, details) => {
      await start(true);
      h.emulator.faults.add({ ...fault, route: "updateSubInfo" });

      expect((await send(h, E5)).body).toEqual(
        failed(E5, `Baidu rejected the request: ${reason}`, {
          code: "BAIDU_REJECTED",
          deliveryId: "1",
          ...details,
        }),
      );
      expect(requestsTo(E5)).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
      expect((await h.send(DeliveryQuery, { id: "1" })).body).toEqual({
        data: {
          delivery: {
            id: "1",
            state: "FAILED",
            attemptCount: 1,
            outcomeUnknown: false,
            lastError: lastError(failure),
            attempts: attempts([failure], false),
          },
        },
      });
    },
  );

  it("holds a newer write to an order until the older one's retry has landed, and only that order", async () => {
    await start(true);
    h.emulator.faults.add({ route: "updateSubInfo", kind: "http", status: 503 });
    const arrivals = (resourceId: string) =>
      h.emulator.requests
        .filter(
          (request) =>
            (request.body as { Data?: Array<{ ResourceID: string }> })?.Data?.[0]?.ResourceID ===
            resourceId,
        )
        .map((request) => request.path);
    const [e5, e6] = [ENDPOINTS.updateSubInfo.path, ENDPOINTS.updateSubStatus.path];
    const accepted = async () =>
      (await h.sql.query<{ n: number }>("select count(*)::int as n from deliveries"))[0]!.n;

    const release = clock.hold();
    cleanups.push(release);
    const first = send(h, E5);
    // the 503 came back; the retry waits out its backoff
    await until(() => clock.sleeps.length === 1);
    const second = send(h, E6);
    // the second write is in the ledger, behind the first
    await until(async () => (await accepted()) === 2);
    // A write to another order is not held up meanwhile.
    expect((await send(h, E3_SECOND)).body).toEqual(applied(E3_SECOND, [], "3"));
    expect(arrivals(ORDER)).toEqual([e5]);
    expect((await h.send(DeliveryQuery, { id: "2" })).body.data?.delivery).toMatchObject({
      state: "PENDING",
      attemptCount: 0,
    });

    release();
    expect((await first).body).toEqual(applied(E5, [HTTP_503]));
    expect((await second).body).toEqual(applied(E6, [], "2"));
    expect(arrivals(ORDER)).toEqual([e5, e5, e6]);
    expect(clock.sleeps).toEqual([50]);
  });
});
