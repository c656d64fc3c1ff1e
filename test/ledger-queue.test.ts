import { ENDPOINT_NAMES, ENDPOINTS } from "../src/baidu/endpoints";
import { purgeFinished } from "../src/store/ledger-admin";
import { acceptDelivery, type NewDelivery } from "../src/store/ledger-accept";
import {
  claimDeliveries,
  finishAttempt,
  extendLease,
  INTERRUPTED,
  leaseHolder,
  markSending,
  NO_BUDGET,
  recoverLeases,
  releaseDelivery,
} from "../src/store/ledger-queue";
import { getImportedIds } from "../src/store/ledger-ids";
import { getAttempts, getDeliveries, getOrders } from "../src/store/ledger-read";
import type { Sql } from "../src/store/sql";
import { delivered } from "./support/attempts";
import { testStore, STORE_KINDS } from "./support/store";

const T0 = Date.UTC(2026, 0, 1);
const NOT_REPLAY_SAFE = ENDPOINT_NAMES.filter((name) => !ENDPOINTS[name].replaySafe);

const write = (endpoint: NewDelivery["endpoint"], resourceIds: string[], at = T0): NewDelivery => ({
  appKey: "app",
  caller: "test",
  endpoint,
  resourceIds,
  query: [["open_id", "u"]],
  body: JSON.stringify({
    Data: resourceIds.map((ResourceID) => ({
      CateID: 1,
      BizAPPID: "app",
      ResourceID,
      Status: 200,
    })),
  }),
  idempotencyKey: null,
  acceptedAt: at,
  deadlineAt: at + 86_400_000,
});

describe.each(STORE_KINDS)("the delivery queue on %s", (kind) => {
  let sql: Sql;
  beforeEach(async () => (sql = await testStore(kind)));

  const accept = async (w: NewDelivery) => {
    const accepted = await acceptDelivery(sql, w);
    if (accepted.conflict) throw new Error("conflict");
    return accepted.delivery.id;
  };
  const claim = async (owner: string, now = T0) =>
    (await claimDeliveries(sql, { holder: owner, now, until: now + 10_000 }, 50)).map((d) => d.id);

  it("holds a write to any order of an earlier batch write until that one has ended", async () => {
    const batch = await accept(write("updateMainStatus", ["a", "b"]));
    const onA = await accept(write("updateMainInfo", ["a"]));
    const onB = await accept(write("updateMainInfo", ["b"]));
    const onC = await accept(write("updateMainInfo", ["c"]));
    expect(await claim("p1")).toEqual([batch, onC]);
    expect(await claim("p1")).toEqual([]);
    expect(await finishAttempt(sql, batch, "p1", delivered(T0), true)).toMatchObject({
      id: batch,
      state: "DELIVERED",
      attemptCount: 1,
    });
    expect(await claim("p1")).toEqual([onA, onB]);
  });

  it("never gives one delivery to two processes claiming at once", async () => {
    for (let i = 0; i < 40; i++) await accept(write("updateMainInfo", [`order-${i}`]));
    const [one, two] = await Promise.all([claim("p1"), claim("p2")]);
    expect([...one!, ...two!].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(one!.filter((id) => two!.includes(id))).toEqual([]);
  });

  it("refuses to record an attempt for a process whose lease was taken over", async () => {
    const id = await accept(write("updateMainInfo", ["a"]));
    await claim("p1");
    expect(await finishAttempt(sql, id, "p2", delivered(T0), true)).toBeUndefined();
    expect((await getDeliveries(sql, [id]))[0]!.state).toBe("SENDING");
  });

  it("gives each claim a lease of its own: a process's earlier claim can neither mark, record nor give back what its later claim holds", async () => {
    const append = await accept(write("appendSubInfo", ["a"]));
    const first = leaseHolder("p1", 1);
    const second = leaseHolder("p1", 2);
    expect(await claim(first)).toEqual([append]);
    // The first lease looked run out to its own process, which took it back and claimed again.
    await recoverLeases(sql, T0 + 20_000, false, NOT_REPLAY_SAFE);
    expect(await claim(second, T0 + 20_000)).toEqual([append]);
    expect(await markSending(sql, append, first, T0 + 20_000, T0 + 30_000)).toBe(false);
    expect(await finishAttempt(sql, append, first, delivered(T0 + 20_000), true)).toBeUndefined();
    expect(await releaseDelivery(sql, append, first, T0 + 20_000, T0 + 20_000)).toBeUndefined();
    expect((await getDeliveries(sql, [append]))[0]!.state).toBe("SENDING");
    // The later claim's hold is whole, until its lease runs out.
    expect(await markSending(sql, append, second, T0 + 30_000, T0 + 40_000)).toBe(false);
    expect(await extendLease(sql, append, first, T0 + 20_000, T0 + 40_000)).toBe(false);
    expect(await markSending(sql, append, second, T0 + 29_999, T0 + 40_000)).toBe(true);
    // Marking extended the lease for the whole attempt: it holds at T0 + 35 s.
    expect(await extendLease(sql, append, second, T0 + 35_000, T0 + 45_000)).toBe(true);
    expect(await extendLease(sql, append, second, T0 + 45_000, T0 + 55_000)).toBe(false);
    expect(await finishAttempt(sql, append, second, delivered(T0 + 20_000), true)).toMatchObject({
      state: "DELIVERED",
      attemptCount: 1,
    });
  });

  it("takes back an interrupted attempt: an overwrite is sent again, an append that began to send ends OUTCOME_UNKNOWN", async () => {
    const overwrite = await accept(write("updateSubInfo", ["a"]));
    const append = await accept(write("appendSubInfo", ["b"]));
    await claim("p1");
    expect(await markSending(sql, append, "p1", T0, T0 + 10_000)).toBe(true);
    expect(await recoverLeases(sql, T0 + 5_000, false, NOT_REPLAY_SAFE)).toEqual([]);
    const recovered = await recoverLeases(sql, T0 + 20_000, false, NOT_REPLAY_SAFE);
    expect(recovered.sort((a, b) => a.id - b.id)).toEqual([
      { id: overwrite, state: "PENDING", unsent: false },
      { id: append, state: "OUTCOME_UNKNOWN", unsent: false },
    ]);
    const [o, a] = await getDeliveries(sql, [overwrite, append]).then((rows) =>
      rows.sort((x, y) => x.id - y.id),
    );
    expect([o!.attemptCount, o!.mayHaveExecuted, a!.finishedAt]).toEqual([1, true, T0 + 20_000]);
    expect(
      (await getAttempts(sql, [append])).map((attempt) => [attempt.outcome, attempt.message]),
    ).toEqual([["OUTCOME_UNKNOWN", INTERRUPTED]]);
    expect(await claim("p2", T0 + 20_000)).toEqual([overwrite]);
  });

  it("puts an interrupted append that never began to send back in line, with no attempt counted", async () => {
    const append = await accept(write("appendSubInfo", ["b"]));
    await claim("p1");
    const [recovered] = await recoverLeases(sql, T0 + 20_000, false, NOT_REPLAY_SAFE);
    expect(recovered).toEqual({ id: append, state: "PENDING", unsent: true });
    const [a] = await getDeliveries(sql, [append]);
    expect([a!.state, a!.attemptCount, a!.mayHaveExecuted, a!.lastError]).toEqual([
      "PENDING",
      0,
      false,
      null,
    ]);
    expect(await getAttempts(sql, [append])).toEqual([]);
    // The process that lost the lease can no longer mark it as sending: it sends nothing.
    expect(await markSending(sql, append, "p1", T0 + 20_000, T0 + 30_000)).toBe(false);
    expect(await claim("p2", T0 + 20_000)).toEqual([append]);
  });

  it("gives back a delivery the budget had no room for, untouched, and fails it once that is past its deadline", async () => {
    const early = await accept(write("updateSubInfo", ["a"]));
    await claim("p1");
    expect(await releaseDelivery(sql, early, "p2", T0, T0 + 1_000)).toBeUndefined();
    expect(await releaseDelivery(sql, early, "p1", T0, T0 + 1_000)).toBe("PENDING");
    const [pending] = await getDeliveries(sql, [early]);
    expect([
      pending!.state,
      pending!.attemptCount,
      pending!.nextAttemptAt,
      pending!.lastError,
    ]).toEqual(["PENDING", 0, T0 + 1_000, null]);
    expect(await claim("p1", T0 + 999)).toEqual([]);
    expect(await claim("p1", T0 + 1_000)).toEqual([early]);
    const next = await accept(write("updateSubInfo", ["a"]));
    expect(await releaseDelivery(sql, early, "p1", T0 + 1_000, T0 + 86_400_001)).toBe("FAILED");
    const [failed] = await getDeliveries(sql, [early]);
    expect([failed!.state, failed!.finishedAt, failed!.lastError]).toEqual([
      "FAILED",
      T0 + 1_000,
      { verdict: "UNAVAILABLE", message: NO_BUDGET },
    ]);
    // Out of its order's line: the next write may go.
    expect(await claim("p1", T0 + 1_000)).toEqual([next]);
  });

  it("keeps the ids of each order's newest import that reached Baidu after retention removes it", async () => {
    const importOf = (resourceId: string, sceneId: string) => ({
      ...write("addMainInfo", [resourceId]),
      query: [
        ["open_id", "u"],
        ["scene_id", sceneId],
      ] as Array<[string, string]>,
    });
    const end = async (id: number, state: "DELIVERED" | "FAILED", now: number) => {
      expect(await claim("p1", now)).toEqual([id]);
      await finishAttempt(sql, id, "p1", { ...delivered(now), state }, true);
    };
    const first = await accept(importOf("a", "1"));
    await end(first, "DELIVERED", T0);
    const second = await accept(importOf("a", "2"));
    await end(second, "DELIVERED", T0 + 1);
    const refused = await accept(importOf("a", "3"));
    await end(refused, "FAILED", T0 + 2);
    const onB = await accept(importOf("b", "4"));
    await end(onB, "FAILED", T0 + 3);
    const ids = () =>
      getImportedIds(sql, [
        { appKey: "app", resourceId: "a" },
        { appKey: "app", resourceId: "b" },
      ]);
    const before = await ids();
    expect(await purgeFinished(sql, T0 + 3_600_000, 2)).toBe(4);
    expect(await getDeliveries(sql, [first, second, refused, onB])).toEqual([]);
    // The same answers as before, from what the ledger keeps of the imports: the newest delivered.
    expect(await ids()).toEqual(before);
    expect(before).toEqual([
      { resourceId: "a", deliveryId: second, openId: "u", sceneId: "2" },
      null,
    ]);
    expect(await sql.query("select resource_id, delivery_id from order_imports")).toEqual([
      { resource_id: "a", delivery_id: second },
    ]);
  });

  it("removes deliveries that ended before the retention cut-off, with their attempts, and keeps the orders", async () => {
    const old = await accept(write("addMainInfo", ["a"]));
    const recent = await accept(write("addMainInfo", ["b"]));
    const pending = await accept(write("addMainInfo", ["c"]));
    await claim("p1");
    await finishAttempt(
      sql,
      old,
      "p1",
      { ...delivered(T0), records: { a: { CateID: 1, BizAPPID: "app", ResourceID: "a" } } },
      true,
    );
    await finishAttempt(sql, recent, "p1", delivered(T0 + 86_400_000), true);
    await sql.query("update deliveries set state = 'PENDING', lease_owner = null where id = $1", [
      pending,
    ]);
    expect(await purgeFinished(sql, T0 + 3_600_000, 1)).toBe(1);
    expect((await getDeliveries(sql, [old, recent, pending])).map((d) => d.id).sort()).toEqual([
      recent,
      pending,
    ]);
    expect(await getAttempts(sql, [old])).toEqual([]);
    expect((await getOrders(sql, [{ appKey: "app", resourceId: "a" }]))[0]!.record).toEqual({
      CateID: 1,
      BizAPPID: "app",
      ResourceID: "a",
    });
  });
});
