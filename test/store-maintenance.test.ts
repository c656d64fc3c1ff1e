import type { BaiduClient } from "../src/baidu/client";
import { loadConfig } from "../src/config/load";
import { DeliveryWorker } from "../src/delivery/worker";
import { systemClock } from "../src/lib/clock";
import { createLogger } from "../src/ops/log";
import { acceptDeliveries, type NewDelivery } from "../src/store/ledger-accept";
import { claimDeliveries, finishAttempts } from "../src/store/ledger-queue";
import { maintainEmbedded } from "../src/store/maintenance";
import { countStatements, textOf, type Sql } from "../src/store/sql";
import { delivered } from "./support/attempts";
import { startHarness } from "./support/harness";
import { testStore } from "./support/store";

const T0 = Date.UTC(2026, 0, 1);

const write = (resourceId: string): NewDelivery => ({
  appKey: "app",
  caller: "test",
  endpoint: "updateMainInfo",
  resourceIds: [resourceId],
  query: [["open_id", "u"]],
  body: JSON.stringify({ Data: [{ CateID: 1, BizAPPID: "app", ResourceID: resourceId }] }),
  idempotencyKey: null,
  acceptedAt: T0,
  deadlineAt: T0 + 86_400_000,
});

/** `rounds` × 50 writes to 50 orders, accepted, claimed and delivered: the queue ends empty. */
async function deliverWrites(sql: Sql, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await acceptDeliveries(
      sql,
      Array.from({ length: 50 }, (_, i) => write(String(i))),
    );
    const lease = { holder: "p1", now: T0, until: T0 + 60_000 };
    const claimed = await claimDeliveries(sql, lease, 50);
    expect(claimed).toHaveLength(50);
    await finishAttempts(
      sql,
      "p1",
      claimed.map(({ id }) => ({ id, lease: "p1", end: delivered(T0), final: true })),
    );
  }
}

const sizeOf = async (sql: Sql, table: string) =>
  (
    await sql.query<{ bytes: number }>("select pg_relation_size($1::regclass)::integer as bytes", [
      table,
    ])
  )[0]!.bytes;

describe("the embedded store's upkeep", () => {
  jest.setTimeout(60_000);
  let sql: Sql;
  beforeEach(async () => (sql = await testStore("pglite")));

  it("lets new writes reuse the space finished ones left, which without it only grows", async () => {
    await deliverWrites(sql, 20);
    const before = await sizeOf(sql, "delivery_queue");
    // Without upkeep, 1,000 more writes through the (again empty) queue take new pages.
    await deliverWrites(sql, 20);
    const grown = await sizeOf(sql, "delivery_queue");
    expect(grown).toBeGreaterThan(before);
    await maintainEmbedded(sql, false);
    await deliverWrites(sql, 20);
    // VACUUM may also cut empty pages off the end; the writes after it fit in what is left.
    expect(await sizeOf(sql, "delivery_queue")).toBeLessThanOrEqual(grown);
  });

  it("gives the planner statistics when asked to analyze", async () => {
    await deliverWrites(sql, 2);
    const tuples = () =>
      sql.query<{ reltuples: number }>(
        "select reltuples::integer as reltuples from pg_class where relname = 'deliveries'",
      );
    expect(await tuples()).toEqual([{ reltuples: -1 }]);
    await maintainEmbedded(sql, true);
    expect(await tuples()).toEqual([{ reltuples: 100 }]);
  });

  it("is done by the gateway at start, after retention's purge, with statistics", async () => {
    let h = await startHarness({ store: "pglite" });
    try {
      // The gateway's own worker takes them from here; the rows stay either way.
      await acceptDeliveries(h.sql, [write("a"), write("b")]);
      const analyzed = () =>
        h.sql.query<{ columns: number }>(
          "select count(*)::integer as columns from pg_stats where tablename = 'deliveries'",
        );
      // Only ANALYZE fills pg_stats (VACUUM alone does not); the file's earlier tests did.
      await h.sql.query("delete from pg_statistic where starelid = 'deliveries'::regclass");
      expect(await analyzed()).toEqual([{ columns: 0 }]);
      await h.close();
      h = await startHarness({ store: "pglite", keepStore: true });
      expect((await analyzed())[0]!.columns).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });
});

describe("the worker's chores", () => {
  afterEach(() => jest.useRealTimers());

  it("are waited for by stop, so that the store is not closed under one, and never overlap", async () => {
    // Only the worker's intervals run on jest's clock; PGlite and everything else keep real time.
    jest.useFakeTimers({
      doNotFake: [
        "Date",
        "hrtime",
        "nextTick",
        "performance",
        "queueMicrotask",
        "setImmediate",
        "clearImmediate",
        "setTimeout",
        "clearTimeout",
      ],
    });
    const store = await testStore("pglite");
    let holding = false;
    let vacuums = 0;
    let sawVacuum = () => {};
    const vacuuming = new Promise<void>((resolve) => (sawVacuum = resolve));
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let sawClaim = () => {};
    const claimed = new Promise<void>((resolve) => (sawClaim = resolve));
    const sql: Sql = {
      ...store,
      query: async (text, params) => {
        if (holding && textOf(text).startsWith("vacuum")) {
          vacuums++;
          sawVacuum();
          await released;
        }
        const rows = await store.query(text, params);
        if (typeof text !== "string" && text.name === "ledger_claim") sawClaim();
        return rows as never;
      },
    };
    // Polls and the purge an hour apart: the minute's VACUUM is the only chore that comes due.
    const options = { ...loadConfig({}).delivery, pollMs: 3_600_000 };
    const logger = createLogger({ level: "error", write: () => {} });
    const worker = new DeliveryWorker(sql, {} as BaiduClient, options, systemClock, logger);
    await worker.start();
    // start's own pass ends once its claim has found nothing.
    await claimed;
    await new Promise((resolve) => setImmediate(resolve));
    holding = true;
    jest.advanceTimersByTime(60_000);
    await vacuuming;
    // The next minute comes while that VACUUM still runs: no second one starts beside it.
    jest.advanceTimersByTime(60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(vacuums).toBe(1);
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    // Nothing else is under way: without the wait, stop would be done by now.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
  });
});

(process.env.TEST_DATABASE_URL ? describe : describe.skip)("on PostgreSQL", () => {
  it("is left to the server's autovacuum: no statement", async () => {
    const counted = countStatements(await testStore("postgres"));
    await maintainEmbedded(counted, true);
    expect(counted.statements).toBe(0);
  });
});
