import type { Clock } from "../lib/clock";

/** How fast the gateway may call Baidu, per app, summed over every process of the deployment. */
export interface BudgetOptions {
  /** Calls per second per app; null: no budget (Baidu does not document one). */
  callsPerSecond: number | null;
  /**
   * After Baidu refused calls for load, how long each step of the slow-down lasts before it eases.
   */
  recoverMs: number;
  /**
   * Without a budget: how long an app pauses after a load refusal (doubling with each step, up to
   * 30 s); 0: never.
   */
  pauseMs: number;
}

/** Every process's view of one app's slow-down: `level` steps, set at `signalledAt`. */
export interface Throttle {
  level: number;
  signalledAt: number;
}

/**
 * What the budget keeps where every process sees it: each app's schedule of calls and its
 * slow-down.
 */
export interface BudgetStore {
  /**
   * Takes room for one call of `appKey` if the app's schedule allows one now (calls `intervalMs`
   * apart, up to `toleranceMs` early), by the store's clock, and answers 0; else nothing is taken
   * and the answer is how many ms (more than 0) to wait.
   */
  take(appKey: string, intervalMs: number, toleranceMs: number): Promise<number>;
  /**
   * Adds one step to the app's slow-down (at most one a second, however many processes saw the
   * refusal).
   */
  signal(appKey: string, now: number, recoverMs: number, maxLevel: number): Promise<void>;
  throttles(): Promise<Map<string, Throttle>>;
}

/**
 * No call could be admitted before the attempt's lease would run out: try again at `retryAt`,
 * nothing was sent.
 */
export class BudgetExhausted extends Error {
  readonly name = "BudgetExhausted";
  constructor(readonly retryAt: number) {
    super("No room in the app's call budget before the attempt's lease runs out");
  }
}

/** Each step halves the rate; six steps leave a sixty-fourth of it. */
export const MAX_LEVEL = 6;
/**
 * Calls may run ahead of their schedule by a tenth of a second's worth: no second sees more than N
 * + ⌈N/10⌉.
 */
const BURST_PER_SECOND = 10;
/** Without a budget, a slow-down is a pause, doubling with each step, up to half a minute. */
const MAX_PAUSE_MS = 30_000;

/** The level still in force `now`: one step eases every `recoverMs` after the last refusal. */
export function levelAt(throttle: Throttle | undefined, now: number, recoverMs: number): number {
  if (!throttle) return 0;
  return Math.max(0, throttle.level - Math.floor((now - throttle.signalledAt) / recoverMs));
}

/**
 * The QPS budget toward Baidu, and the slow-down after Baidu refuses calls for load (gateway
 * `error_code` 4/18, errno 50029, HTTP 429). With a budget of N calls a second, calls are spaced
 * 1/N s apart (GCRA: the generic cell rate algorithm), at most N/10 of them early, and level L
 * allows N/2^L; without one, level L pauses the app for `pauseMs` × 2^(L-1) after the refusal.
 * Calls of one app that must wait queue up in this process: one of them at a time sleeps and asks
 * the store again.
 */
export class Budget {
  private readonly lines = new Map<string, Promise<void>>();
  private throttles = new Map<string, Throttle>();

  constructor(
    private readonly store: BudgetStore,
    private readonly options: BudgetOptions,
    private readonly clock: Clock,
  ) {}

  /**
   * Waits for room for one call of `appKey`; throws BudgetExhausted if there is none before `by`.
   */
  async acquire(appKey: string, by: number): Promise<void> {
    // Nobody of this process waits for the app: ask at once, and wait in line only if refused.
    const refusedFor = this.lines.has(appKey) ? undefined : await this.delay(appKey);
    if (refusedFor === 0) return;
    const turn = (this.lines.get(appKey) ?? Promise.resolve()).then(() =>
      this.wait(appKey, by, refusedFor),
    );
    const settled = turn.catch(() => {});
    this.lines.set(appKey, settled);
    void settled.then(() => {
      if (this.lines.get(appKey) === settled) this.lines.delete(appKey);
    });
    return turn;
  }

  /**
   * Baidu refused a call of `appKey` for load: every process slows down for it, by one step a
   * second at most (the refusals of the calls in flight together are one).
   */
  async signal(appKey: string): Promise<void> {
    const now = this.clock.now();
    const current = this.throttles.get(appKey);
    if (current && now - current.signalledAt < 1000) return;
    // This process slows down at once; the shared row tells the others.
    this.throttles.set(appKey, {
      level: Math.min(MAX_LEVEL, levelAt(current, now, this.options.recoverMs) + 1),
      signalledAt: now,
    });
    await this.store.signal(appKey, now, this.options.recoverMs, MAX_LEVEL);
  }

  /**
   * Takes the slow-downs other processes recorded (at every poll, and when one is announced); a
   * newer step of this process's own stays.
   */
  async refresh(): Promise<void> {
    const shared = await this.store.throttles();
    for (const [appKey, own] of this.throttles) {
      const theirs = shared.get(appKey);
      if (!theirs || theirs.signalledAt < own.signalledAt) shared.set(appKey, own);
    }
    this.throttles = shared;
  }

  /** The level in force for each app that has one, for metrics. */
  levels(): Map<string, number> {
    const now = this.clock.now();
    return new Map(
      [...this.throttles].map(([appKey, throttle]) => [
        appKey,
        levelAt(throttle, now, this.options.recoverMs),
      ]),
    );
  }

  /**
   * This caller's turn in the line: asks (unless it was just refused for `ms`), sleeps as told,
   * asks again.
   */
  private async wait(appKey: string, by: number, ms: number | undefined): Promise<void> {
    for (;;) {
      if (ms === undefined) {
        if (this.clock.now() > by) throw new BudgetExhausted(this.clock.now());
        ms = await this.delay(appKey);
      }
      if (ms === 0) return;
      const now = this.clock.now();
      if (now + ms > by) throw new BudgetExhausted(now + ms);
      await this.clock.sleep(ms);
      ms = undefined;
    }
  }

  /** 0 when a call may go now, else how long to wait before asking again. */
  private async delay(appKey: string): Promise<number> {
    const now = this.clock.now();
    const throttle = this.throttles.get(appKey);
    const level = levelAt(throttle, now, this.options.recoverMs);
    if (this.options.callsPerSecond === null) {
      if (level === 0 || !throttle) return 0;
      const pauseEnds =
        throttle.signalledAt +
        Math.min(MAX_PAUSE_MS, this.options.pauseMs * 2 ** (throttle.level - 1));
      return Math.max(0, pauseEnds - now);
    }
    const intervalMs = (1000 / this.options.callsPerSecond) * 2 ** level;
    const burst = Math.ceil(this.options.callsPerSecond / BURST_PER_SECOND);
    const wait = await this.store.take(appKey, intervalMs, (burst - 1) * intervalMs);
    return wait > 0 ? Math.ceil(wait) : 0;
  }
}
