import { Budget, BudgetExhausted, levelAt, type BudgetOptions, type BudgetStore, type Limiter } from "../src/baidu/budget";
import { testClock } from "./support/harness";

/** A shared store the test steers: each limiter refuses while `refusals` has entries (each the ms to wait). */
function fakeStore() {
  const refusals: number[] = [];
  const limiters: Array<{ points: number; durationMs: number; level: number }> = [];
  let consumed = 0;
  const store: BudgetStore = {
    limiter(points, durationMs, level): Limiter {
      limiters.push({ points, durationMs, level });
      return {
        consume: async () => {
          consumed++;
          const wait = refusals.shift();
          if (wait !== undefined) throw { msBeforeNext: wait };
        },
      };
    },
    signal: async () => {},
    throttles: async () => new Map(),
  };
  return { store, refusals, limiters, consumed: () => consumed };
}

const options = (callsPerSecond: number | null): BudgetOptions => ({ callsPerSecond, recoverMs: 10_000, pauseMs: 1000 });

describe("the budget toward Baidu", () => {
  it("eases a slow-down by one step per recoverMs after the last refusal", () => {
    const throttle = { level: 3, signalledAt: 1_000 };
    expect([0, 9_999, 10_000, 25_000, 40_000].map((t) => levelAt(throttle, 1_000 + t, 10_000))).toEqual([3, 3, 2, 1, 0]);
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

  it("counts N calls a second in windows of a tenth of a second, and halves the rate per step", async () => {
    const clock = testClock();
    const { store, limiters } = fakeStore();
    const budget = new Budget(store, options(25), clock.clock);
    await budget.acquire("app", Infinity);
    await budget.signal("app");
    await budget.acquire("app", Infinity);
    // 25 a second: 3 calls per 120 ms; one step later 3 per 240 ms.
    expect(limiters).toEqual([
      { points: 3, durationMs: 120, level: 0 },
      { points: 3, durationMs: 240, level: 1 },
    ]);
  });

  it("waits as long as the shared counter says, with one waiter per app asking it", async () => {
    const clock = testClock();
    const fake = fakeStore();
    const budget = new Budget(fake.store, options(10), clock.clock);
    fake.refusals.push(80, 80);
    await Promise.all([budget.acquire("app", Infinity), budget.acquire("app", Infinity)]);
    // Both asked at once and were refused; then they waited in line, one after the other, each asking again after its wait.
    expect(clock.sleeps).toEqual([80, 80]);
    expect(fake.consumed()).toBe(4);
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
