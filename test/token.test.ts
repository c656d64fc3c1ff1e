import type { AppConfig } from "../src/config/types";
import { UpdateOrderStatusDocument } from "./generated/graphql";
import { appendAfterSaleOrdersInput } from "./support/examples";
import {
  attempts,
  MISCONFIGURED,
  misconfiguredPayload,
  repeat,
  retryLines,
  trackedWrite,
} from "./support/delivery-helpers";
import {
  OTHER,
  SHOP,
  startHarness,
  testClock,
  type Harness,
  type HarnessOptions,
} from "./support/harness";

/**
 * Token handling (contract §4, §3.3–§3.4), seen from outside: GraphQL in, requests counted at the
 * emulator.
 */
const OPEN_ID = "open-id-of-the-buyer";

/**
 * Orders created in the emulator's store directly, so the only calls counted are the test's own.
 */
function seed(h: Harness, app: AppConfig, resourceIds: readonly string[]): void {
  for (const ResourceID of resourceIds) {
    h.emulator.store.addMainInfo(
      {
        CateID: 2,
        BizAPPID: app.appKey,
        ResourceID,
        Title: "t",
        Ctime: 1571026201,
        Mtime: 1571026201,
        Status: 1,
      },
      { openId: OPEN_ID },
    );
  }
}

/** updateOrderStatus (E3) on one seeded order: the cheapest write that changes something. */
function complete(h: Harness, resourceId: string, app: AppConfig = SHOP) {
  const order = { resourceId, category: "VIRTUAL_GOODS", status: "COMPLETED" } as const;
  return h.send(UpdateOrderStatusDocument, {
    input: { appKey: app.appKey, openId: OPEN_ID, sceneId: "159259079195", orders: [order] },
  });
}

function completed(resourceId: string, app: AppConfig = SHOP) {
  const result = {
    resourceId,
    appKey: app.appKey,
    categoryCode: 2,
    rowsAffected: 1,
    applied: true,
  };
  return {
    data: {
      updateOrderStatus: { dryRun: false, allApplied: true, results: [result], request: null },
    },
  };
}

/** The same write, reading its delivery too. */
function completeTracked(h: Harness, resourceId: string) {
  const order = { resourceId, category: "VIRTUAL_GOODS", status: "COMPLETED" } as const;
  return h.send(trackedWrite("updateOrderStatus"), {
    input: { appKey: SHOP.appKey, openId: OPEN_ID, sceneId: "159259079195", orders: [order] },
  });
}

/**
 * A short deadline: with random 0.5 the backoffs are 50, 100, 150, 150, …; the 8th attempt is the
 * last.
 */
const SHORT_DEADLINE = { deadlineMs: 1000, retry: { baseDelayMs: 100, maxDelayMs: 300 } };
const BACKOFFS_UNTIL_DEADLINE = [50, 100, 150, 150, 150, 150, 150];

const misconfigured = (count: number) => misconfiguredPayload("updateOrderStatus", count);

const tokenRequests = (h: Harness) => h.emulator.requestsTo("token");
/** The access token of each E3 request, in arrival order. */
const tokensUsed = (h: Harness) =>
  h.emulator.requestsTo("updateMainStatus").map((request) => request.query.access_token);

describe("the access token", () => {
  let h: Harness;
  let clock: ReturnType<typeof testClock>;

  async function start(options: HarnessOptions = {}): Promise<void> {
    clock = testClock();
    h = await startHarness({ clock: clock.clock, ...options });
    seed(h, SHOP, ["R1", "R2", "R3", "R4"]);
  }

  afterEach(async () => {
    const pending = h.emulator.faults.pending();
    await h.close();
    expect(pending).toEqual([]);
  });

  it("fetches one token for a burst of 1,000 concurrent mutations on a cold cache", async () => {
    // Every mutation waits for its delivery however long the burst takes: the wait budget is not
    // what is tested here.
    await start({ delivery: { waitMs: 60_000 } });
    const ids = Array.from({ length: 1000 }, (_, i) => `burst-${i}`);
    seed(h, SHOP, ids);

    const answers = await Promise.all(ids.map((id) => complete(h, id)));

    expect(answers.map((answer) => answer.body)).toEqual(ids.map((id) => completed(id)));
    expect(tokenRequests(h)).toHaveLength(1);
    expect(tokensUsed(h)).toHaveLength(1000);
    expect(new Set(tokensUsed(h)).size).toBe(1);
  }, 60_000);

  it("asks for the token with the client-credentials grant of the app", async () => {
    await start();
    await complete(h, "R1");
    expect(tokenRequests(h).map(({ method, query }) => ({ method, query }))).toEqual([
      {
        method: "GET",
        query: {
          grant_type: "client_credentials",
          client_id: SHOP.appKey,
          client_secret: SHOP.appSecret,
          scope: "smartapp_snsapi_base",
        },
      },
    ]);
  });

  it("reuses the cached token across calls", async () => {
    await start();
    for (const id of ["R1", "R2", "R3"])
      expect((await complete(h, id)).body).toEqual(completed(id));
    expect(tokenRequests(h)).toHaveLength(1);
    expect(tokensUsed(h)).toHaveLength(3);
    expect(new Set(tokensUsed(h)).size).toBe(1);
  });

  it.each([
    { lifetime: 600, refreshAfterMs: 540_000, lead: "a minute" },
    { lifetime: 30, refreshAfterMs: 27_000, lead: "a tenth of its lifetime" },
  ])(
    "refreshes a $lifetime s token once, $lead before expires_in runs out",
    async ({ lifetime, refreshAfterMs }) => {
      // The emulator expires its tokens on the test's clock.
      await start({ emulator: { tokenLifetimeSeconds: lifetime, now: () => clock.clock.now() } });
      await complete(h, "R1");

      clock.advance(refreshAfterMs - 1);
      expect((await complete(h, "R2")).body).toEqual(completed("R2"));
      expect(tokenRequests(h)).toHaveLength(1);

      clock.advance(1);
      expect((await complete(h, "R3")).body).toEqual(completed("R3"));
      expect((await complete(h, "R4")).body).toEqual(completed("R4"));
      expect(tokenRequests(h)).toHaveLength(2);
      // Refreshed before Baidu expired it: no call was rejected and replayed.
      const [first, second, third, fourth] = tokensUsed(h);
      expect(tokensUsed(h)).toHaveLength(4);
      expect(second).toBe(first);
      expect(third).not.toBe(first);
      expect(fourth).toBe(third);
    },
  );

  it.each([
    ["error_code 111 (expired)", (h: Harness) => h.emulator.expireAllTokens()],
    ["error_code 110 (revoked)", (h: Harness) => h.emulator.revokeAllTokens()],
  ])(
    "refreshes the token once and replays the call when Baidu answers %s",
    async (_label, reject) => {
      await start();
      await complete(h, "R1");
      reject(h);

      // Refetched and replayed inside one attempt: the delivery records a single DELIVERED attempt.
      const { body } = await completeTracked(h, "R2");
      expect(body.data?.updateOrderStatus).toMatchObject({
        allApplied: true,
        delivery: { id: "2", state: "DELIVERED", attemptCount: 1, attempts: attempts([], true) },
      });

      expect(tokenRequests(h)).toHaveLength(2);
      const [first, rejected, replayed] = tokensUsed(h);
      expect(tokensUsed(h)).toHaveLength(3);
      expect(rejected).toBe(first);
      expect(replayed).not.toBe(first);
      expect(clock.sleeps).toEqual([]);
      // The fresh token is cached: the next call needs no token request.
      expect((await complete(h, "R3")).body).toEqual(completed("R3"));
      expect(tokenRequests(h)).toHaveLength(2);
    },
  );

  it("replays even appendAfterSaleOrders after a token rejection, since Baidu did not execute it", async () => {
    await start();
    seed(h, SHOP, [appendAfterSaleOrdersInput.resourceId]);
    h.emulator.faults.add({ route: "appendSubInfo", kind: "errorCode", code: 111 });

    const { body } = await h.send(trackedWrite("appendAfterSaleOrders"), {
      input: appendAfterSaleOrdersInput,
    });

    const result = {
      resourceId: appendAfterSaleOrdersInput.resourceId,
      appKey: SHOP.appKey,
      categoryCode: 2,
      rowsAffected: 1,
      applied: true,
    };
    const delivery = {
      id: "1",
      state: "DELIVERED",
      attemptCount: 1,
      outcomeUnknown: false,
      lastError: null,
      attempts: attempts([], true),
    };
    expect(body).toEqual({
      data: {
        appendAfterSaleOrders: {
          dryRun: false,
          allApplied: true,
          results: [result],
          request: null,
          delivery,
        },
      },
    });
    expect(tokenRequests(h)).toHaveLength(2);
    expect(h.emulator.requestsTo("appendSubInfo")).toHaveLength(2);
    expect(clock.sleeps).toEqual([]);
  });

  it("treats errno 44003 (token expired) like error_code 111 (contract §3.4)", async () => {
    await start();
    h.emulator.faults.add({ route: "updateMainStatus", kind: "errno", errno: 44003 });

    expect((await complete(h, "R1")).body).toEqual(completed("R1"));

    expect(tokenRequests(h)).toHaveLength(2);
    expect(tokensUsed(h)).toHaveLength(2);
    expect(new Set(tokensUsed(h)).size).toBe(2);
  });

  it("replays once, then backs off as MISCONFIGURED, when the refetched token is rejected too, and delivers on the next attempt", async () => {
    await start();
    h.emulator.faults.add({ route: "updateMainStatus", kind: "errorCode", code: 110, times: 2 });

    const { body } = await completeTracked(h, "R1");

    expect(body).toEqual({
      data: {
        updateOrderStatus: {
          ...completed("R1").data.updateOrderStatus,
          delivery: {
            id: "1",
            state: "DELIVERED",
            attemptCount: 2,
            outcomeUnknown: false,
            lastError: null,
            attempts: attempts([MISCONFIGURED], true),
          },
        },
      },
    });
    // Attempt 1: token, write (110), token, replay (110): no loop inside the attempt. Attempt 2
    // reuses the fresh token.
    expect(tokenRequests(h)).toHaveLength(2);
    const [first, fresh, next] = tokensUsed(h);
    expect(tokensUsed(h)).toEqual([first, fresh, fresh]);
    expect(fresh).not.toBe(first);
    expect(next).toBe(fresh);
    expect(clock.sleeps).toEqual([50]);
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
  });

  it("ends FAILED as MISCONFIGURED at the deadline when every fresh token is rejected, replaying once per attempt", async () => {
    await start({ delivery: SHORT_DEADLINE });
    h.emulator.faults.add({ route: "updateMainStatus", kind: "errorCode", code: 110, times: 16 });

    expect((await completeTracked(h, "R1")).body).toEqual(misconfigured(8));

    // Each of the 8 attempts: the write with the token it has, a rejection, one fresh token, one
    // replay.
    expect(tokensUsed(h)).toHaveLength(16);
    expect(tokenRequests(h)).toHaveLength(9);
    expect(clock.sleeps).toEqual(BACKOFFS_UNTIL_DEADLINE);
  });

  it("keeps a separate token for each app, and sends each call with its own app's token", async () => {
    await start();
    seed(h, OTHER, ["O1", "O2"]);

    const calls: Array<[string, AppConfig]> = [
      ["R1", SHOP],
      ["O1", OTHER],
      ["O2", OTHER],
      ["R2", SHOP],
    ];
    for (const [id, app] of calls)
      expect((await complete(h, id, app)).body).toEqual(completed(id, app));

    const credentials = tokenRequests(h).map(({ query }) => [query.client_id, query.client_secret]);
    expect(credentials).toEqual([
      [SHOP.appKey, SHOP.appSecret],
      [OTHER.appKey, OTHER.appSecret],
    ]);
    // The emulator applies an order only with a token issued to the order's app (BizAPPID).
    const [shop, other] = tokensUsed(h);
    expect(other).not.toBe(shop);
    expect(tokensUsed(h)).toEqual([shop, other, other, shop]);
  });

  it("asks once per attempt, backing off until the deadline, when Baidu refuses the app secret, and masks the cause", async () => {
    const reset = "secret-reset-in-the-console";
    await start({
      config: { apps: [{ ...SHOP, appSecret: reset }, OTHER] },
      delivery: SHORT_DEADLINE,
    });

    const answer = await completeTracked(h, "R1");

    expect(answer.body).toEqual(misconfigured(8));
    expect(tokenRequests(h)).toHaveLength(8);
    expect(h.emulator.requestsTo("updateMainStatus")).toHaveLength(0);
    expect(clock.sleeps).toEqual(BACKOFFS_UNTIL_DEADLINE);
    expect(answer.text).not.toContain(reset);
    expect(h.logs.join("\n")).not.toContain(reset);
    expect(h.logs.filter((line) => line.includes('"error":"invalid_client"'))).toHaveLength(8);
    expect(retryLines(h).map(({ level, verdict }) => ({ level, verdict }))).toEqual(
      repeat({ level: "error", verdict: "MISCONFIGURED" }, 7),
    );
  });

  it("fetches a single good token for concurrent writes to many orders after a failed token fetch", async () => {
    await start();
    const ids = Array.from({ length: 20 }, (_, i) => `flight-${i}`);
    seed(h, SHOP, ids);
    h.emulator.faults.add({ route: "token", kind: "http", status: 503 });

    const answers = await Promise.all(ids.map((id) => complete(h, id)));

    expect(answers.map((answer) => answer.body)).toEqual(ids.map((id) => completed(id)));
    // The failed fetch (UNAVAILABLE) is retried by the attempts that met it; one good fetch then
    // serves every write.
    expect(tokenRequests(h)).toHaveLength(2);
    expect(new Set(tokensUsed(h)).size).toBe(1);
    expect(tokensUsed(h)).toHaveLength(20);
  });
});
