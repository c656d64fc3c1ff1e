import {
  Budget,
  BudgetExhausted,
  levelAt,
  type BudgetOptions,
  type BudgetStore,
} from "../src/baidu/budget";
import { ledgerBudgetStore } from "../src/store/budget";
import { testClock } from "./support/harness";
import { STORE_KINDS, testStore } from "./support/store";

/**
 * A shared store the test steers: it refuses while `refusals` has entries (each the ms to wait),
 * and records what it was asked.
 */
function fakeStore() {
  const refusals: number[] = [];
  const asked: Array<{ intervalMs: number; toleranceMs: number }> = [];
  const store: BudgetStore = {
    take: async (_appKey, intervalMs, toleranceMs) => {
      asked.push({ intervalMs, toleranceMs });
      return refusals.shift() ?? 0;
    },
    signal: async () => {},
    throttles: async () => new Map(),
  };
  return { store, refusals, asked, consumed: () => asked.length };
}

const options = (callsPerSecond: number | null): BudgetOptions => ({
  callsPerSecond,
  recoverMs: 10_000,
  pauseMs: 1000,
});

describe("the budget toward Baidu", () => {
  it("eases a slow-down by one step per recoverMs after the last refusal", () => {
    const throttle = { level: 3, signalledAt: 1_000 };
    expect(
      [0, 9_999, 10_000, 25_000, 40_000].map((t) => levelAt(throttle, 1_000 + t, 10_000)),
    ).toEqual([3, 3, 2, 1, 0]);
    expect(levelAt(undefined, 5_000, 10_000)).toBe(0);
  });

  it("without a budget, lets calls go at once until a refusal, then pauses the app a second, two after a second step", async () => {
    const clock = testClock();
    const budget = new Budget(fakeStore().store, options(null), clock.clock);
    await budget.acquire("app", Infinity);
    expect(clock.sleeps).toEqual([]);
    await budget.signal("app");
    await budget.signal("app"); // within the same second: no second step
    await budget.acquire("app", Infinity);
    await budget.acquire("other", Infinity);
    expect(clock.sleeps).toEqual([1000]);
    await budget.signal("app");
    await budget.acquire("app", Infinity);
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(budget.levels()).toEqual(new Map([["app", 2]]));
  });

  it("spaces N calls a second 1/N s apart, a tenth of them early at most, and halves the rate per step", async () => {
    const clock = testClock();
    const { store, asked } = fakeStore();
    const budget = new Budget(store, options(25), clock.clock);
    await budget.acquire("app", Infinity);
    await budget.signal("app");
    await budget.acquire("app", Infinity);
    // 25 a second: one every 40 ms, up to 3 at once (2 early); one step later one every 80 ms.
    expect(asked).toEqual([
      { intervalMs: 40, toleranceMs: 80 },
      { intervalMs: 80, toleranceMs: 160 },
    ]);
  });

  it("waits as long as the shared counter says, with one waiter per app asking it", async () => {
    const clock = testClock();
    const fake = fakeStore();
    const budget = new Budget(fake.store, options(10), clock.clock);
    fake.refusals.push(80, 80);
    await Promise.all([budget.acquire("app", Infinity), budget.acquire("app", Infinity)]);
    // Both asked at once and were refused; then they waited in line, one after the other, each
    // asking again after its wait.
    expect(clock.sleeps).toEqual([80, 80]);
    expect(fake.consumed()).toBe(4);
  });

  it("makes a call that comes while others wait take its place in line and ask for room too", async () => {
    const clock = testClock();
    const fake = fakeStore();
    const budget = new Budget(fake.store, options(10), clock.clock);
    fake.refusals.push(80);
    const release = clock.hold();
    const first = budget.acquire("app", Infinity);
    await new Promise((resolve) => setImmediate(resolve));
    expect([fake.consumed(), clock.sleeps]).toEqual([1, [80]]);
    // The line exists: this one does not ask before its turn, and asks then.
    fake.refusals.push(0, 30);
    const second = budget.acquire("app", Infinity);
    expect(fake.consumed()).toBe(1);
    release();
    await Promise.all([first, second]);
    expect([fake.consumed(), clock.sleeps]).toEqual([4, [80, 30]]);
  });

  it("gives up, naming when to try again, when there is no room before the attempt's lease would run out", async () => {
    const clock = testClock();
    const fake = fakeStore();
    const budget = new Budget(fake.store, options(10), clock.clock);
    fake.refusals.push(500, 500);
    const now = clock.clock.now();
    await expect(budget.acquire("app", now + 400)).rejects.toEqual(new BudgetExhausted(now + 500));
    expect(clock.sleeps).toEqual([]);
  });
});

describe.each(STORE_KINDS)("the budget's schedule in the store, on %s", (kind) => {
  it("admits calls when due, a burst of them early, and says how long the next must wait", async () => {
    const store = ledgerBudgetStore(await testStore(kind));
    // One call a minute, two of them early: three now, then nothing for about a minute.
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await store.take("app", 60_000, 120_000));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(59_000);
    expect(waits[3]).toBeLessThanOrEqual(60_000);
    // Each app has its own schedule.
    expect(await store.take("other", 60_000, 0)).toBe(0);
    expect(await store.take("other", 60_000, 0)).toBeGreaterThan(59_000);
  });
});
