import type { BaiduClient } from "../src/baidu/client";
import { loadConfig } from "../src/config/load";
import { DeliveryService } from "../src/delivery/service";
import { DeliveryWorker } from "../src/delivery/worker";
import { systemClock } from "../src/lib/clock";
import { groupCommit } from "../src/lib/group-commit";
import { createLogger } from "../src/ops/log";
import { acceptDeliveries, type NewDelivery } from "../src/store/ledger-accept";
import { getImportedIds } from "../src/store/ledger-ids";
import { claimDeliveries, finishAttempts, type AttemptEnd } from "../src/store/ledger-queue";
import { getAttempts, getDeliveries } from "../src/store/ledger-read";
import { countStatements, type Sql, type Statement } from "../src/store/sql";
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

  it("keeps no more batches in flight than it is allowed", async () => {
    const c = controlledRun();
    const submit = groupCommit(c.run, { inFlight: 2, maxBatch: 2 });
    const all = Promise.all([1, 2, 3, 4, 5, 6, 7].map((item) => submit(item)));
    for (let i = 0; i < 4; i++) await c.endNext();
    expect(await all).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(c.mostAtOnce()).toBe(2);
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
    await claimDeliveries(sql, { owner: "p1", now: T0, until: T0 + 10_000 }, 10);
    await sql.query("update deliveries set lease_owner = 'p2' where id = $1", [b]);
    const counted = countStatements(sql);
    const retry: AttemptEnd = {
      ...delivered,
      outcome: "UNAVAILABLE",
      state: "PENDING",
      nextAttemptAt: T0 + 1_000,
      failure: { verdict: "UNAVAILABLE", message: "503", httpStatus: 503 },
      results: null,
    };
    const recorded = await finishAttempts(counted, "p1", [
      { id: a!, end: { ...delivered, records: { a: { ResourceID: "a" } as never } }, final: true },
      { id: b!, end: delivered, final: true },
      { id: c!, end: retry, final: false },
    ]);
    expect(counted.statements).toBe(1);
    expect(recorded.map((one) => one && [one.id, one.state, one.attemptCount])).toEqual([
      [a, "DELIVERED", 1],
      undefined,
      [c, "PENDING", 1],
    ]);
    expect(recorded[2]).toMatchObject({
      nextAttemptAt: T0 + 1_000,
      lastError: { verdict: "UNAVAILABLE", message: "503", httpStatus: 503 },
      results: null,
      finishedAt: null,
    });
    expect((await getAttempts(sql, [a!, b!, c!])).map((x) => [x.deliveryId, x.outcome])).toEqual(
      expect.arrayContaining([
        [a, "DELIVERED"],
        [c, "UNAVAILABLE"],
      ]),
    );
    expect(await getAttempts(sql, [b!])).toEqual([]);
    // The delivered one left its order's queue; the one to try again did not.
    expect([await queueOf("a"), await queueOf("c")]).toEqual([[], [[1, c]]]);
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
    const options = loadConfig({}).delivery;
    const logger = createLogger({ level: "error", write: () => {} });
    const worker = new DeliveryWorker(counted, {} as BaiduClient, options, systemClock, logger);
    // Never started, and stopped: nothing is delivered, the writes stay PENDING.
    await worker.stop();
    const service = new DeliveryService(counted, worker, options, systemClock);
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
});
