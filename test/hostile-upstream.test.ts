import { DeliveryReportedDocument, UpdateOrderStatusReportedDocument } from "./generated/graphql";
import * as ex from "./support/examples";
import { textOf } from "../src/store/sql";
import {
  attempts,
  DeliveryQuery,
  HTTP_503,
  lastError,
  MISCONFIGURED,
  retryLines,
  settled,
  trackedWrite,
  type Failure,
} from "./support/delivery-helpers";
import {
  SHOP,
  startHarness,
  testClock,
  type Harness,
  type HarnessOptions,
} from "./support/harness";

/**
 * A Baidu that fails in the ways a real one does (issue 7, items 2, 6 and 9): a token endpoint that
 * is down, slow or refuses the app; an answer that leaves an order out; and what the log says then.
 */
const ORDER = "2221554346520";
const SECOND_ORDER = "3221554346520";
const K = SHOP.appKey;

/** The example E3 write of both example orders, in WAIT mode, with its delivery. */
const sendE3 = (h: Harness) =>
  h.send(trackedWrite("updateOrderStatus"), { input: ex.updateOrderStatusInput });

/** Both example orders, applied by Baidu. */
const BOTH_APPLIED = [
  { resourceId: ORDER, appKey: K, categoryCode: 2, rowsAffected: 1, applied: true },
  { resourceId: SECOND_ORDER, appKey: K, categoryCode: 2, rowsAffected: 1, applied: true },
];

/**
 * The E3 payload of a delivery that waits for its next attempt after `failures`: nothing applied
 * yet.
 */
function pending(failures: readonly Failure[]) {
  const delivery = {
    id: "1",
    state: "PENDING",
    attemptCount: failures.length,
    outcomeUnknown: false,
    lastError: lastError(failures.at(-1)!),
    attempts: attempts(failures, false),
  };
  return {
    data: {
      updateOrderStatus: { dryRun: false, allApplied: false, results: [], request: null, delivery },
    },
  };
}

/** The delivery of the E3 write once delivered after `failures`. */
const delivered = (failures: readonly Failure[]) => ({
  id: "1",
  state: "DELIVERED",
  attemptCount: failures.length + 1,
  outcomeUnknown: false,
  lastError: null,
  attempts: attempts(failures, true),
});

/** Every line the gateway logged, parsed. */
const entries = (h: Harness): Array<Record<string, any>> => h.logs.map((line) => JSON.parse(line));

describe("a token endpoint that is down, slow or refusing", () => {
  let h: Harness;
  let clock: ReturnType<typeof testClock>;
  const cleanups: Array<() => unknown> = [];

  /**
   * The backoff after the first failed attempt waits for the test; the mutation answers after 500
   * ms with what it knows.
   */
  async function start(options: HarnessOptions = {}): Promise<() => void> {
    clock = testClock();
    h = await startHarness({ clock: clock.clock, delivery: { waitMs: 500 }, ...options });
    ex.seedExampleOrders(h.emulator, { afterSale: false, resourceIds: [ORDER, SECOND_ORDER] });
    const release = clock.hold();
    cleanups.push(release);
    return release;
  }

  afterEach(async () => {
    const left = h.emulator.faults.pending();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await h.close();
    expect(left).toEqual([]);
  });

  const TOKEN_500: Failure = {
    verdict: "UNAVAILABLE",
    message: "Baidu answered HTTP 500",
    httpStatus: 500,
  };

  it('keeps the write queued when the token endpoint answers HTTP 500 {"error":"internal"}, sends nothing, and delivers once it recovers', async () => {
    const release = await start();
    h.emulator.faults.add({
      route: "token",
      kind: "http",
      status: 500,
      body: { error: "internal" },
    });

    expect((await sendE3(h)).body).toEqual(pending([TOKEN_500]));
    expect(h.emulator.requestsTo("token")).toHaveLength(1);
    expect(h.emulator.requestsTo("updateMainStatus")).toEqual([]);
    expect(clock.sleeps).toEqual([50]);
    // An outage, not a configuration fault: a warning, and nothing about credentials.
    expect(retryLines(h)).toEqual([
      {
        level: "warn",
        deliveryId: 1,
        endpoint: "updateMainStatus",
        verdict: "UNAVAILABLE",
        error: TOKEN_500.message,
        retryInMs: 50,
      },
    ]);
    expect(entries(h).filter((entry) => entry.level === "error")).toEqual([]);

    release();
    expect(await settled(h, "1")).toEqual(delivered([TOKEN_500]));
    expect(h.emulator.requestsTo("token")).toHaveLength(2);
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(1);
  });

  it("keeps the write queued when the token request times out, and delivers once the endpoint answers again", async () => {
    const release = await start({ baidu: { timeoutMs: 200 } });
    h.emulator.faults.add({ route: "token", kind: "hang" });
    const timeout: Failure = {
      verdict: "UNAVAILABLE",
      message: "Baidu did not answer within 200 ms",
    };

    expect((await sendE3(h)).body).toEqual(pending([timeout]));
    expect(h.emulator.requestsTo("updateMainStatus")).toEqual([]);

    release();
    expect(await settled(h, "1")).toEqual(delivered([timeout]));
    expect(h.emulator.requestsTo("token")).toHaveLength(2);
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(1);
  });

  it.each([
    {
      answer: "HTTP 502 with invalid_client in its body",
      status: 502,
      body: { error: "invalid_client" },
      httpStatus: 502,
    },
    {
      answer: "HTTP 503 with a text body",
      status: 503,
      body: "Service Unavailable",
      httpStatus: 503,
    },
    {
      answer: "HTTP 429 with an OAuth error",
      status: 429,
      body: { error: "invalid_request", error_description: "too many requests" },
      httpStatus: 429,
    },
    { answer: "HTTP 408", status: 408, body: "", httpStatus: 408 },
    {
      answer: "OAuth's server_error with HTTP 400",
      status: 400,
      body: { error: "server_error" },
      error: "server_error",
    },
    {
      answer: "OAuth's temporarily_unavailable with HTTP 200",
      status: 200,
      body: { error: "temporarily_unavailable" },
      error: "temporarily_unavailable",
    },
    {
      answer: "an unknown error with HTTP 200",
      status: 200,
      body: { error: "internal" },
      error: "internal",
    },
  ])(
    "treats $answer from the token endpoint as an outage",
    async ({ status, body, httpStatus, error }) => {
      const release = await start();
      h.emulator.faults.add({ route: "token", kind: "http", status, body });
      const failure: Failure =
        httpStatus !== undefined
          ? { verdict: "UNAVAILABLE", message: `Baidu answered HTTP ${httpStatus}`, httpStatus }
          : { verdict: "UNAVAILABLE", message: `Baidu did not issue an access token: ${error}` };

      expect((await sendE3(h)).body).toEqual(pending([failure]));
      expect(h.emulator.requestsTo("updateMainStatus")).toEqual([]);
      expect(entries(h).filter((entry) => entry.level === "error")).toEqual([]);

      release();
      expect(await settled(h, "1")).toEqual(delivered([failure]));
    },
  );

  it("keeps every write that waited on one failed shared token fetch queued, and delivers them all with one good token", async () => {
    // The one token request hangs until it times out, so that every write joins it.
    const release = await start({ baidu: { timeoutMs: 500 }, delivery: { waitMs: 2000 } });
    const ids = Array.from({ length: 10 }, (_, i) => `shared-${i}`);
    ex.seedExampleOrders(h.emulator, { afterSale: false, resourceIds: ids });
    h.emulator.faults.add({ route: "token", kind: "hang" });
    const timeout: Failure = {
      verdict: "UNAVAILABLE",
      message: "Baidu did not answer within 500 ms",
    };
    const write = (resourceId: string) => ({
      ...ex.updateOrderStatusInput,
      orders: [{ resourceId, category: "VIRTUAL_GOODS" as const, status: "COMPLETED" as const }],
    });

    const answers = await Promise.all(
      ids.map((id) => h.send(trackedWrite("updateOrderStatus"), { input: write(id) })),
    );

    expect(
      answers.map(({ status, body }) => [
        status,
        body.errors,
        body.data?.updateOrderStatus.delivery.state,
        body.data?.updateOrderStatus.delivery.lastError,
      ]),
    ).toEqual(ids.map(() => [200, undefined, "PENDING", lastError(timeout)]));
    expect(h.emulator.requestsTo("token")).toHaveLength(1);
    expect(h.emulator.requestsTo("updateMainStatus")).toEqual([]);

    release();
    for (const answer of answers)
      expect(await settled(h, answer.body.data!.updateOrderStatus.delivery.id)).toMatchObject({
        state: "DELIVERED",
        attemptCount: 2,
      });
    expect(h.emulator.requestsTo("token")).toHaveLength(2);
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(ids.length);
  });

  it("treats invalid_client with HTTP 401 as refused credentials: masked in the answer, the app named in the log, no stack", async () => {
    const release = await start();
    h.emulator.faults.add({
      route: "token",
      kind: "http",
      status: 401,
      body: { error: "invalid_client", error_description: "unknown client id" },
    });

    const { status, body, text } = await sendE3(h);

    expect({ status, body }).toEqual({ status: 200, body: pending([MISCONFIGURED]) });
    expect(text).not.toContain("invalid_client");
    expect(h.emulator.requestsTo("updateMainStatus")).toEqual([]);
    const causes = entries(h).filter(
      (entry) => entry.msg === "Baidu refused the gateway's credentials",
    );
    expect(causes).toEqual([
      {
        time: expect.any(String),
        level: "error",
        msg: "Baidu refused the gateway's credentials",
        app: "shop",
        appKey: K,
        deliveryId: 1,
        endpoint: "updateMainStatus",
        error: {
          name: "BaiduCredentialsError",
          message: "Baidu refused the app credentials: invalid_client (unknown client id)",
          verdict: "MISCONFIGURED",
          app: { appKey: K, name: "shop" },
          error: "invalid_client",
          description: "unknown client id",
        },
      },
    ]);
    expect(retryLines(h)).toEqual([
      {
        level: "error",
        deliveryId: 1,
        endpoint: "updateMainStatus",
        verdict: "MISCONFIGURED",
        error: MISCONFIGURED.message,
        retryInMs: 50,
      },
    ]);

    // Once the credentials are accepted again, the write goes out.
    release();
    expect(await settled(h, "1")).toEqual(delivered([MISCONFIGURED]));
  });

  it.each([
    { answer: "invalid_grant with HTTP 400", status: 400, body: { error: "invalid_grant" } },
    {
      answer: "unauthorized_client with HTTP 200",
      status: 200,
      body: { error: "unauthorized_client" },
    },
    { answer: "an unknown error with HTTP 400", status: 400, body: { error: "no_such_app" } },
    {
      answer: "HTTP 404 without an OAuth body (a wrong token URL)",
      status: 404,
      body: "not found",
    },
  ])(
    "treats $answer from the token endpoint as a configuration fault",
    async ({ status, body }) => {
      const release = await start();
      h.emulator.faults.add({ route: "token", kind: "http", status, body });

      expect((await sendE3(h)).body).toEqual(pending([MISCONFIGURED]));
      expect(h.emulator.requestsTo("updateMainStatus")).toEqual([]);
      expect(
        entries(h)
          .filter((entry) => entry.msg === "Baidu refused the gateway's credentials")
          .map(({ app, appKey }) => ({ app, appKey })),
      ).toEqual([{ app: "shop", appKey: K }]);

      release();
      expect(await settled(h, "1")).toEqual(delivered([MISCONFIGURED]));
    },
  );
});

describe("an answer that leaves an order out", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    ex.seedExampleOrders(h.emulator, { afterSale: false, resourceIds: [ORDER, SECOND_ORDER] });
  });
  afterEach(async () => {
    const left = h.emulator.faults.pending();
    await h.close();
    expect(left).toEqual([]);
  });

  /** Baidu answers errno 0 with these per-order results. */
  const answer = (data: unknown[]) =>
    h.emulator.faults.add({
      route: "updateMainStatus",
      kind: "http",
      status: 200,
      body: { errno: 0, msg: "success", data },
    });
  const item = (resourceId: string, rows: string) => ({
    biz_app_id: K,
    cate_id: "2",
    resource_id: resourceId,
    rows_affected: rows,
  });
  const reported = (resourceId: string, rowsAffected: number) => ({
    resourceId,
    appKey: K,
    categoryCode: 2,
    rowsAffected,
    applied: rowsAffected > 0,
    reportedByBaidu: true,
  });
  const leftOut = (resourceId: string) => ({
    resourceId,
    appKey: K,
    categoryCode: null,
    rowsAffected: 0,
    applied: false,
    reportedByBaidu: false,
  });

  it("reports the order Baidu left out as not applied and not reported, in the answer and in the ledger", async () => {
    answer([item(ORDER, "1")]);

    const { status, body } = await h.send(UpdateOrderStatusReportedDocument, {
      input: ex.updateOrderStatusInput,
    });

    expect({ status, body }).toEqual({
      status: 200,
      body: {
        data: {
          updateOrderStatus: {
            allApplied: false,
            results: [reported(ORDER, 1), leftOut(SECOND_ORDER)],
            delivery: { id: "1", state: "DELIVERED", attemptCount: 1 },
          },
        },
      },
    });
    expect((await h.send(DeliveryReportedDocument, { id: "1" })).body).toEqual({
      data: {
        delivery: {
          state: "DELIVERED",
          results: [
            { resourceId: ORDER, applied: true, reportedByBaidu: true },
            { resourceId: SECOND_ORDER, applied: false, reportedByBaidu: false },
          ],
        },
      },
    });
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(1);
  });

  it("reports every order as left out when Baidu answers errno 0 with no results", async () => {
    answer([]);
    const { body } = await h.send(UpdateOrderStatusReportedDocument, {
      input: ex.updateOrderStatusInput,
    });
    expect(body).toEqual({
      data: {
        updateOrderStatus: {
          allApplied: false,
          results: [leftOut(ORDER), leftOut(SECOND_ORDER)],
          delivery: { id: "1", state: "DELIVERED", attemptCount: 1 },
        },
      },
    });
  });

  it("keeps Baidu's results in Baidu's order, an order the write did not name included, then the ones it left out", async () => {
    answer([item("9999999999", "1"), item(ORDER, "0")]);
    const { body } = await h.send(UpdateOrderStatusReportedDocument, {
      input: ex.updateOrderStatusInput,
    });
    expect(body.data?.updateOrderStatus).toEqual({
      allApplied: false,
      results: [reported("9999999999", 1), reported(ORDER, 0), leftOut(SECOND_ORDER)],
      delivery: { id: "1", state: "DELIVERED", attemptCount: 1 },
    });
  });

  it("marks every result as reported when Baidu answers for every order, in whatever order", async () => {
    answer([item(SECOND_ORDER, "1"), item(ORDER, "1")]);
    const { body } = await h.send(UpdateOrderStatusReportedDocument, {
      input: ex.updateOrderStatusInput,
    });
    expect(body.data?.updateOrderStatus).toEqual({
      allApplied: true,
      results: [reported(SECOND_ORDER, 1), reported(ORDER, 1)],
      delivery: { id: "1", state: "DELIVERED", attemptCount: 1 },
    });
  });

  it("says a result the ledger kept before reportedByBaidu existed was reported by Baidu", async () => {
    await h.send(UpdateOrderStatusReportedDocument, { input: ex.updateOrderStatusInput });
    // A row written by an earlier version: Baidu's results only, without the field.
    await h.sql.query(`update deliveries set results = $1::jsonb where id = 1`, [
      JSON.stringify(BOTH_APPLIED),
    ]);
    expect((await h.send(DeliveryReportedDocument, { id: "1" })).body).toEqual({
      data: {
        delivery: {
          state: "DELIVERED",
          results: [
            { resourceId: ORDER, applied: true, reportedByBaidu: true },
            { resourceId: SECOND_ORDER, applied: true, reportedByBaidu: true },
          ],
        },
      },
    });
  });
});

describe("the log of failed attempts", () => {
  let h: Harness;
  afterEach(async () => {
    const left = h.emulator.faults.pending();
    await h.close();
    expect(left).toEqual([]);
  });

  it("writes one line without a stack for each retry after Baidu's failures, whatever Baidu's text holds", async () => {
    h = await startHarness({ clock: testClock().clock });
    ex.seedExampleOrders(h.emulator, { afterSale: false, resourceIds: [ORDER, SECOND_ORDER] });
    h.emulator.faults.add({
      route: "token",
      kind: "http",
      status: 500,
      body: { error: "internal" },
    });
    h.emulator.faults.add({ route: "updateMainStatus", kind: "http", status: 503 });
    h.emulator.faults.add({
      route: "updateMainStatus",
      kind: "errorCode",
      code: 2,
      msg: "busy\n    at Object.<anonymous> (/srv/baidu.js:1:1)",
    });

    const { body } = await sendE3(h);

    const busy: Failure = {
      verdict: "OUTCOME_UNKNOWN",
      message: "Baidu gateway error_code 2: busy\n    at Object.<anonymous> (/srv/baidu.js:1:1)",
      errorCode: 2,
      baiduMessage: "busy\n    at Object.<anonymous> (/srv/baidu.js:1:1)",
    };
    const TOKEN_500: Failure = {
      verdict: "UNAVAILABLE",
      message: "Baidu answered HTTP 500",
      httpStatus: 500,
    };
    expect(body.data?.updateOrderStatus.delivery).toEqual({
      ...delivered([TOKEN_500, HTTP_503, busy]),
      outcomeUnknown: true,
    });
    const lines = h.logs.filter(
      (line) => JSON.parse(line).msg === "Delivery attempt failed; trying again later",
    );
    expect(lines.map((line) => JSON.parse(line).verdict)).toEqual([
      "UNAVAILABLE",
      "OUTCOME_UNKNOWN",
      "OUTCOME_UNKNOWN",
    ]);
    for (const line of lines) {
      expect(line).not.toContain("\n");
      expect(line).not.toContain("stack");
    }
    // Nothing the gateway logged carries a stack: every failure was Baidu's.
    expect(h.logs.filter((line) => line.includes("stack") || line.includes("\n"))).toEqual([]);
  });

  it("names the app, without a stack, when Baidu rejects a freshly fetched token too", async () => {
    h = await startHarness({ clock: testClock().clock });
    ex.seedExampleOrders(h.emulator, { afterSale: false, resourceIds: [ORDER, SECOND_ORDER] });
    h.emulator.faults.add({ route: "updateMainStatus", kind: "errorCode", code: 110, times: 2 });

    const { body } = await sendE3(h);

    expect(body.data?.updateOrderStatus.delivery).toEqual(delivered([MISCONFIGURED]));
    expect(
      entries(h).filter((entry) => entry.msg === "Baidu refused the gateway's credentials"),
    ).toEqual([
      {
        time: expect.any(String),
        level: "error",
        msg: "Baidu refused the gateway's credentials",
        app: "shop",
        appKey: K,
        deliveryId: 1,
        endpoint: "updateMainStatus",
        error: {
          name: "BaiduGatewayError",
          message: "Baidu gateway error_code 110: Access token invalid or no longer valid",
          verdict: "MISCONFIGURED",
          app: { appKey: K, name: "shop" },
          errorCode: 110,
          errorMsg: "Access token invalid or no longer valid",
        },
      },
    ]);
  });

  it("logs a stack for a fault of the gateway's own, and delivers the write on the next attempt", async () => {
    let failing = true;
    h = await startHarness({
      clock: testClock().clock,
      // The token store fails once: not Baidu's doing.
      wrapSql: (sql) => ({
        ...sql,
        query: (text, params) => {
          if (failing && textOf(text).includes("from baidu_tokens")) {
            failing = false;
            return Promise.reject(new Error("token store hiccup"));
          }
          return sql.query(text, params);
        },
      }),
    });
    ex.seedExampleOrders(h.emulator, { afterSale: false, resourceIds: [ORDER, SECOND_ORDER] });

    const { body } = await sendE3(h);

    const ours: Failure = {
      verdict: "MISCONFIGURED",
      message: "The gateway failed to send this write; see its log",
    };
    expect(body.data?.updateOrderStatus).toEqual({
      dryRun: false,
      allApplied: true,
      results: BOTH_APPLIED,
      request: null,
      delivery: delivered([ours]),
    });
    const faults = entries(h).filter(
      (entry) => entry.msg === "Delivery attempt failed inside the gateway",
    );
    expect(faults).toEqual([
      {
        time: expect.any(String),
        level: "error",
        msg: "Delivery attempt failed inside the gateway",
        deliveryId: 1,
        endpoint: "updateMainStatus",
        error: {
          name: "Error",
          message: "token store hiccup",
          stack: expect.stringMatching(/^Error: token store hiccup\n {4}at /),
        },
      },
    ]);
    // The stack stays inside the JSON string: still one line.
    expect(h.logs.filter((line) => line.includes("\n"))).toEqual([]);
    expect((await h.send(DeliveryQuery, { id: "1" })).body.data?.delivery).toEqual(
      delivered([ours]),
    );
  });
});

describe("a Baidu slower than the caller will wait", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("answers a waiting mutation at delivery.waitMs with the attempt still in flight, then delivers it", async () => {
    // Real time: the emulator takes a second to answer, three times the wait budget.
    h = await startHarness({ baidu: { timeoutMs: 3000 }, delivery: { waitMs: 300 } });
    ex.seedExampleOrders(h.emulator, { afterSale: true });
    h.emulator.faults.add({ route: "updateMainStatus", kind: "latency", ms: 1000 });
    const started = Date.now();
    const { body } = await sendE3(h);
    const waited = Date.now() - started;
    expect(body.errors).toBeUndefined();
    expect(body.data?.updateOrderStatus).toMatchObject({
      results: [],
      allApplied: false,
      delivery: { id: "1", state: "SENDING", attemptCount: 0 },
    });
    // The caller got its answer at the wait budget, not after the attempt.
    expect(waited).toBeLessThan(1000);
    const delivered = await settled(h, "1");
    expect(delivered).toMatchObject({ state: "DELIVERED", attemptCount: 1 });
  });
});
