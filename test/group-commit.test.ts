import type { BaiduClient } from "../src/baidu/client";
import { loadConfig } from "../src/config/load";
import { DeliveryService } from "../src/delivery/service";
import { DeliveryWorker } from "../src/delivery/worker";
import { systemClock } from "../src/lib/clock";
import { groupCommit } from "../src/lib/group-commit";
import { createLogger } from "../src/ops/log";
import {
  acceptDeliveries as acceptOrFail,
  type Accepted,
  type NewDelivery,
} from "../src/store/ledger-accept";
import { getImportedIds } from "../src/store/ledger-ids";
import { claimDeliveries, finishAttempts, type AttemptEnd } from "../src/store/ledger-queue";
import { getAttempts, getDeliveries, getOrders } from "../src/store/ledger-read";
import {
  countStatements,
  refusedByDatabase,
  textOf,
  type Sql,
  type Statement,
} from "../src/store/sql";
import { delivered as deliveredAt } from "./support/attempts";
import { testStore, STORE_KINDS } from "./support/store";

const T0 = Date.UTC(2026, 0, 1);
const delivered: AttemptEnd = { ...deliveredAt(T0), finishedAt: T0 + 5 };

/** A batch function whose batches end when the test says so. */
function controlledRun(refuse: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const pending: Array<() => void> = [];
  let running = 0;
  let mostAtOnce = 0;
  const run = async (items: readonly number[]) => {
    batches.push([...items]);
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    await new Promise<void>((resolve) => pending.push(resolve));
    running--;
    const refused = items.find(refuse);
    if (refused !== undefined)
      throw Object.assign(new Error(`item ${refused} refused`), { refused });
    return items.map((item) => item * 10);
  };
  /** Ends the oldest batch still running, once it has started. */
  const endNext = async () => {
    while (pending.length === 0) await new Promise((resolve) => setImmediate(resolve));
    pending.shift()!();
  };
  return { run, batches, endNext, mostAtOnce: () => mostAtOnce };
}

describe("group commit", () => {
  it("sends an item alone under no load, and what arrives meanwhile together in the next batch", async () => {
    const c = controlledRun();
    const submit = groupCommit(c.run);
    const first = submit(1);
    await c.endNext();
    expect(await first).toBe(10);
    const second = submit(2);
    // 2 is in flight: 3, 4 and 5 wait for it and go together.
    while (c.batches.length < 2) await new Promise((resolve) => setImmediate(resolve));
    const rest = [submit(3), submit(4), submit(5)];
    await c.endNext();
    await c.endNext();
    expect(await Promise.all([second, ...rest])).toEqual([20, 30, 40, 50]);
    expect(c.batches).toEqual([[1], [2], [3, 4, 5]]);
  });

  it("keeps one batch in flight, full batches waiting their turn in order", async () => {
    const c = controlledRun();
    const submit = groupCommit(c.run, { maxBatch: 2 });
    const all = Promise.all([1, 2, 3, 4, 5, 6, 7].map((item) => submit(item)));
    for (let i = 0; i < 4; i++) await c.endNext();
    expect(await all).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(c.mostAtOnce()).toBe(1);
    expect(c.batches).toEqual([[1, 2], [3, 4], [5, 6], [7]]);
  });

  it("runs the items of a refused batch again one by one, so only the refused item fails", async () => {
    const c = controlledRun((item) => item === 3);
    const submit = groupCommit(c.run, { maxBatch: 4, undone: () => true });
    const results = [1, 2, 3, 4].map((item) => submit(item).catch((error: Error) => error.message));
    for (let i = 0; i < 5; i++) await c.endNext();
    expect(await Promise.all(results)).toEqual([10, 20, "item 3 refused", 40]);
    expect(c.batches).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it("fails every item of a batch whose failure may have left something behind, running nothing again", async () => {
    const c = controlledRun((item) => item === 3);
    const submit = groupCommit(c.run, { maxBatch: 4, undone: () => false });
    const results = [1, 2, 3, 4].map((item) => submit(item).catch((error: Error) => error.message));
    await c.endNext();
    expect(await Promise.all(results)).toEqual(Array(4).fill("item 3 refused"));
    expect(c.batches).toEqual([[1, 2, 3, 4]]);
  });
});

/**
 * The service that accepts writes, beside a worker never started and stopped: nothing is delivered,
 * the writes stay PENDING.
 */
async function idleService(sql: Sql): Promise<DeliveryService> {
  const options = loadConfig({}).delivery;
  const logger = createLogger({ level: "error", write: () => {} });
  const worker = new DeliveryWorker(sql, {} as BaiduClient, options, systemClock, logger);
  await worker.stop();
  return new DeliveryService(sql, worker, options, systemClock);
}

/** Every write's answer, none of them a failure. */
async function acceptDeliveries(sql: Sql, writes: readonly NewDelivery[]): Promise<Accepted[]> {
  const answers = await acceptOrFail(sql, writes);
  for (const answer of answers) if (answer instanceof Error) throw answer;
  return answers as Accepted[];
}

const write = (resourceIds: string[], idempotencyKey: string | null = null, body = "{}") =>
  ({
    appKey: "app",
    caller: "test",
    endpoint: "updateMainInfo",
    resourceIds,
    query: [["open_id", "u"]],
    body,
    idempotencyKey,
    acceptedAt: T0,
    deadlineAt: T0 + 86_400_000,
  }) satisfies NewDelivery;

describe.each(STORE_KINDS)("batched ledger statements on %s", (kind) => {
  let sql: Sql;
  beforeEach(async () => (sql = await testStore(kind)));

  const queueOf = async (resourceId: string) =>
    (
      await sql.query<{ seq: number; delivery_id: number }>(
        "select seq, delivery_id from delivery_queue where resource_id = $1 order by seq",
        [resourceId],
      )
    ).map((row) => [row.seq, row.delivery_id]);

  it("accepts a batch in one statement: each order's writes numbered in submitted order, behind its earlier ones", async () => {
    const [earlier] = await acceptDeliveries(sql, [write(["a"])]);
    const counted = countStatements(sql);
    const accepted = await acceptDeliveries(counted, [
      write(["a"]),
      write(["b", "a"]),
      write(["c"]),
      write(["a"]),
    ]);
    expect(counted.statements).toBe(1);
    const ids = accepted.map((one) => (one.conflict ? -1 : one.delivery.id));
    expect(accepted.every((one) => !one.conflict && one.created)).toBe(true);
    expect(await queueOf("a")).toEqual([
      [1, earlier!.conflict ? -1 : earlier!.delivery.id],
      [2, ids[0]],
      [3, ids[1]],
      [4, ids[3]],
    ]);
    expect(await queueOf("b")).toEqual([[1, ids[1]]]);
    expect(await queueOf("c")).toEqual([[1, ids[2]]]);
    const stored = await getDeliveries(sql, ids);
    expect(stored.find((d) => d.id === ids[1])).toMatchObject({
      resourceIds: ["b", "a"],
      query: [["open_id", "u"]],
      body: "{}",
      state: "PENDING",
      acceptedAt: T0,
    });
  });

  it("answers a key used twice in one batch, or taken before it, with the earlier write or a conflict", async () => {
    const [taken] = await acceptDeliveries(sql, [write(["a"], "k-taken")]);
    const accepted = await acceptDeliveries(sql, [
      write(["b"], "k-new"),
      write(["b"], "k-new"),
      write(["a"], "k-taken"),
      write(["a"], "k-taken", '{"other":true}'),
    ]);
    const first = accepted[0]!;
    if (first.conflict || taken!.conflict) throw new Error("conflict");
    expect(first.created).toBe(true);
    expect(accepted[1]).toEqual({ delivery: first.delivery, created: false });
    expect(accepted[2]).toEqual({ delivery: taken!.delivery, created: false });
    expect(accepted[3]).toEqual({ conflict: taken!.delivery });
    // The repeated writes were never queued.
    expect(await queueOf("b")).toEqual([[1, first.delivery.id]]);
    expect(await queueOf("a")).toEqual([[1, taken!.delivery.id]]);
  });

  it("records a batch of attempts in one statement, leaving out a delivery whose lease was lost", async () => {
    const accepted = await acceptDeliveries(sql, [write(["a"]), write(["b"]), write(["c"])]);
    const [a, b, c] = accepted.map((one) => (one.conflict ? -1 : one.delivery.id));
    await claimDeliveries(sql, { holder: "p1", now: T0, until: T0 + 10_000 }, 10);
    await sql.query("update deliveries set lease_owner = 'p2' where id = $1", [b]);
    // Results of an earlier attempt stay when this one brings none.
    await sql.query(`update deliveries set results = '[{"kept":true}]' where id = $1`, [c]);
    const counted = countStatements(sql);
    const retry: AttemptEnd = {
      ...delivered,
      outcome: "UNAVAILABLE",
      state: "PENDING",
      nextAttemptAt: T0 + 1_000,
      failure: { verdict: "UNAVAILABLE", message: "503", httpStatus: 503, errno: 7 },
      results: null,
      requestId: "req-c",
    };
    const recorded = await finishAttempts(counted, "p1", [
      {
        id: a!,
        lease: "p1",
        end: { ...delivered, records: { a: { ResourceID: "a" } as never } },
        final: true,
      },
      { id: b!, lease: "p1", end: delivered, final: true },
      { id: c!, lease: "p1", end: retry, final: false },
    ]);
    expect(counted.statements).toBe(1);
    expect(recorded.map((one) => one && [one.id, one.state, one.attemptCount])).toEqual([
      [a, "DELIVERED", 1],
      undefined,
      [c, "PENDING", 1],
    ]);
    expect(recorded[0]).toMatchObject({ finishedAt: T0 + 5, results: [] });
    expect(recorded[2]).toMatchObject({
      nextAttemptAt: T0 + 1_000,
      lastError: { verdict: "UNAVAILABLE", message: "503", httpStatus: 503, errno: 7 },
      results: [{ kept: true }],
      finishedAt: null,
      mayHaveExecuted: false,
    });
    const attempts = await getAttempts(sql, [a!, b!, c!]);
    expect(attempts.sort((x, y) => x.deliveryId - y.deliveryId)).toEqual([
      {
        deliveryId: a,
        number: 1,
        startedAt: T0,
        finishedAt: T0 + 5,
        outcome: "DELIVERED",
        httpStatus: null,
        errorCode: null,
        errno: null,
        message: null,
        requestId: "req-1",
      },
      {
        deliveryId: c,
        number: 1,
        startedAt: T0,
        finishedAt: T0 + 5,
        outcome: "UNAVAILABLE",
        httpStatus: 503,
        errorCode: null,
        errno: 7,
        message: "503",
        requestId: "req-c",
      },
    ]);
    // The delivered one left its order's queue and wrote its order's record; the other did not.
    expect([await queueOf("a"), await queueOf("c")]).toEqual([[], [[1, c]]]);
    const orders = await getOrders(sql, [
      { appKey: "app", resourceId: "a" },
      { appKey: "app", resourceId: "c" },
    ]);
    expect(orders.map((order) => [order.resourceId, order.record, order.lastDeliveryId])).toEqual(
      expect.arrayContaining([["a", { ResourceID: "a" }, a]]),
    );
    expect(orders.find((order) => order.resourceId === "c")?.record ?? null).toBeNull();
  });

  it("looks up the imported ids of several orders of several apps in one statement", async () => {
    const imported = await acceptDeliveries(sql, [
      {
        ...write(["a"]),
        endpoint: "addMainInfo",
        query: [
          ["open_id", "u1"],
          ["scene_id", "s1"],
          ["scene_type", "2"],
        ],
      },
    ]);
    const counted = countStatements(sql);
    const found = await getImportedIds(counted, [
      { appKey: "app", resourceId: "a" },
      { appKey: "other", resourceId: "a" },
      { appKey: "app", resourceId: "never" },
      { appKey: "app", resourceId: "a" },
    ]);
    expect(counted.statements).toBe(1);
    const ids = {
      resourceId: "a",
      deliveryId: imported[0]!.conflict ? -1 : imported[0]!.delivery.id,
      openId: "u1",
      sceneId: "s1",
      sceneType: 2,
    };
    expect(found).toEqual([ids, null, null, ids]);
  });

  it("commits the writes a gateway accepts at once in one statement, and looks up their imports in one", async () => {
    const byName = new Map<string, number>();
    const counted: Sql = {
      ...sql,
      query: (text: string | Statement, params?: readonly unknown[]) => {
        const name = typeof text === "string" ? "(unnamed)" : text.name;
        byName.set(name, (byName.get(name) ?? 0) + 1);
        return sql.query(text, params);
      },
    };
    const service = await idleService(counted);
    const orders = Array.from({ length: 20 }, (_, i) => `order-${i % 7}`);
    const [ids, submitted] = await Promise.all([
      Promise.all(orders.map((order) => service.importedIds("app", [order]))),
      Promise.all(orders.map((order) => service.submit(write([order]), false))),
    ]);
    expect(ids.every((found) => found.size === 0)).toBe(true);
    expect(Object.fromEntries(byName)).toEqual({ ledger_accept: 1, ledger_imported_ids: 1 });
    expect(new Set(submitted.map((one) => one.delivery.id)).size).toBe(20);
    expect(await queueOf("order-0")).toEqual(
      submitted.filter((_, i) => i % 7 === 0).map((one, i) => [i + 1, one.delivery.id]),
    );
  });

  it("never accepts a write twice when a lookup after the batch's statement fails: that write alone gets the error", async () => {
    await acceptDeliveries(sql, [write(["x"], "k-taken")]);
    let fail = true;
    const failing: Sql = {
      ...sql,
      query: (text: string | Statement, params?: readonly unknown[]) => {
        if (fail && textOf(text).includes("and idempotency_key = $2")) {
          fail = false;
          // Shaped like a refusal by the database (statement timeout), which alone would split a
          // batch: the batch's own statement has committed by then.
          const refusal = Object.assign(new Error("canceling statement due to statement timeout"), {
            severity: "ERROR",
            code: "57014",
          });
          return Promise.reject(refusal);
        }
        return sql.query(text, params);
      },
    };
    const service = await idleService(failing);
    const [fresh, repeated] = await Promise.allSettled([
      service.submit(write(["a"]), false),
      service.submit(write(["x"], "k-taken"), false),
    ]);
    expect(fresh).toMatchObject({ status: "fulfilled" });
    expect(repeated).toMatchObject({
      status: "rejected",
      reason: { message: "canceling statement due to statement timeout" },
    });
    expect(await queueOf("a")).toHaveLength(1);
    expect(await queueOf("x")).toHaveLength(1);
  });

  it("tells a statement the database refused from a lost connection or a socket's errno", async () => {
    const refused = await sql.query("select 1 / 0").catch((error: unknown) => error);
    expect(refusedByDatabase(refused)).toBe(true);
    expect(refusedByDatabase(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))).toBe(
      false,
    );
    expect(refusedByDatabase({ severity: "FATAL", code: "57P01" })).toBe(false);
    expect(refusedByDatabase({ severity: "FATAL", code: "08006" })).toBe(false);
    expect(refusedByDatabase(new Error("Connection terminated unexpectedly"))).toBe(false);
    expect(refusedByDatabase(undefined)).toBe(false);
  });
});
