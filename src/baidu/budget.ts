import type { Clock } from "../clock";

/** How fast the gateway may call Baidu, per app, summed over every process of the deployment. */
export interface BudgetOptions {
  /** Calls per second per app; null: no budget (Baidu does not document one). */
  callsPerSecond: number | null;
  /** After Baidu refused calls for load, how long each step of the slow-down lasts before it eases. */
  recoverMs: number;
  /** Without a budget: how long an app pauses after a load refusal (doubling with each step, up to 30 s); 0: never. */
  pauseMs: number;
}

/** Every process's view of one app's slow-down: `level` steps, set at `signalledAt`. */
export interface Throttle {
  level: number;
  signalledAt: number;
}

/** A fixed-window counter shared by the processes (rate-limiter-flexible's interface, reduced). */
export interface Limiter {
  /** Resolves when a call fits the window; otherwise rejects with `{ msBeforeNext }` (or an Error). */
  consume(key: string): Promise<unknown>;
}

/** What the budget keeps where every process sees it: the counters and the slow-down. */
export interface BudgetStore {
  limiter(points: number, durationMs: number, level: number): Limiter;
  /** Adds one step to the app's slow-down (at most one a second, however many processes saw the refusal). */
  signal(appKey: string, now: number, recoverMs: number, maxLevel: number): Promise<void>;
  throttles(): Promise<Map<string, Throttle>>;
}

/** No call could be admitted before the attempt's lease would run out: try again at `retryAt`, nothing was sent. */
export class BudgetExhausted extends Error {
  readonly name = "BudgetExhausted";
  constructor(readonly retryAt: number) {
    super("No room in the app's call budget before the attempt's lease runs out");
  }
}

/** Each step halves the rate; six steps leave a sixty-fourth of it. */
export const MAX_LEVEL = 6;
/** Windows of a tenth of a second: in any second, at most a tenth of the budget more than the budget. */
const WINDOWS_PER_SECOND = 10;
/** Without a budget, a slow-down is a pause, doubling with each step, up to half a minute. */
const MAX_PAUSE_MS = 30_000;

/** The level still in force `now`: one step eases every `recoverMs` after the last refusal. */
export function levelAt(throttle: Throttle | undefined, now: number, recoverMs: number): number {
  if (!throttle) return 0;
  return Math.max(0, throttle.level - Math.floor((now - throttle.signalledAt) / recoverMs));
}

/**
 * The QPS budget toward Baidu, and the slow-down after Baidu refuses calls for load (gateway
 * `error_code` 4/18, errno 50029, HTTP 429). With a budget of N calls a second, level L allows
 * N/2^L; without one, level L pauses the app for `pauseMs` × 2^(L-1) after the refusal. Waiting calls of one
 * app queue up in this process, so only the first of them asks the shared counter.
 */
export class Budget {
  private readonly points: number;
  private readonly windowMs: number;
  private readonly limiters = new Map<number, Limiter>();
  private readonly lines = new Map<string, Promise<void>>();
  private throttles = new Map<string, Throttle>();

  constructor(
    private readonly store: BudgetStore,
    private readonly options: BudgetOptions,
    private readonly clock: Clock,
  ) {
    const perSecond = options.callsPerSecond ?? 1;
    this.points = Math.ceil(perSecond / WINDOWS_PER_SECOND);
    this.windowMs = (1000 * this.points) / perSecond;
  }

  /** Waits for room for one call of `appKey`; throws BudgetExhausted if there is none before `by`. */
  async acquire(appKey: string, by: number): Promise<void> {
    const first = this.lines.has(appKey) ? undefined : await this.delay(appKey);
    if (first === 0) return;
    // Refused, or others already wait: take a place in this process's line for the app.
    const turn = (this.lines.get(appKey) ?? Promise.resolve()).then(() => this.wait(appKey, by, first ?? 0));
    const settled = turn.catch(() => {});
    this.lines.set(appKey, settled);
    void settled.then(() => {
      if (this.lines.get(appKey) === settled) this.lines.delete(appKey);
    });
    return turn;
  }

  /** Baidu refused a call of `appKey` for load: every process slows down for it. */
  async signal(appKey: string): Promise<void> {
    const now = this.clock.now();
    const current = this.throttles.get(appKey);
    // This process slows down at once; the shared row tells the others.
    if (!current || now - current.signalledAt >= 1000)
      this.throttles.set(appKey, { level: Math.min(MAX_LEVEL, levelAt(current, now, this.options.recoverMs) + 1), signalledAt: now });
    await this.store.signal(appKey, now, this.options.recoverMs, MAX_LEVEL);
  }

  /** Takes the slow-downs other processes recorded (at every poll, and when one is announced). */
  async refresh(): Promise<void> {
    this.throttles = await this.store.throttles();
  }

  /** The level in force for each app that has one, for metrics. */
  levels(): Map<string, number> {
    const now = this.clock.now();
    return new Map([...this.throttles].map(([appKey, throttle]) => [appKey, levelAt(throttle, now, this.options.recoverMs)]));
  }

  /** Sleeps `ms`, then asks again, until there is room (or none before `by`). */
  private async wait(appKey: string, by: number, ms: number): Promise<void> {
    for (; ms > 0; ms = await this.delay(appKey)) {
      const now = this.clock.now();
      if (now + ms > by) throw new BudgetExhausted(now + ms);
      await this.clock.sleep(ms);
    }
  }

  /** 0 when a call may go now, else how long to wait before asking again. */
  private async delay(appKey: string): Promise<number> {
    const now = this.clock.now();
    const throttle = this.throttles.get(appKey);
    const level = levelAt(throttle, now, this.options.recoverMs);
    if (this.options.callsPerSecond === null) {
      if (level === 0 || !throttle) return 0;
      const pauseEnds = throttle.signalledAt + Math.min(MAX_PAUSE_MS, this.options.pauseMs * 2 ** (throttle.level - 1));
      return Math.max(0, pauseEnds - now);
    }
    try {
      await this.limiter(level).consume(appKey);
      return 0;
    } catch (refusal) {
      if (refusal instanceof Error) throw refusal;
      return Math.max(1, (refusal as { msBeforeNext: number }).msBeforeNext);
    }
  }

  private limiter(level: number): Limiter {
    let limiter = this.limiters.get(level);
    if (!limiter) {
      limiter = this.store.limiter(this.points, this.windowMs * 2 ** level, level);
      this.limiters.set(level, limiter);
    }
    return limiter;
  }
}
