import { randomUUID } from "node:crypto";
import type { BaiduClient, SendOptions } from "../baidu/client";
import { ENDPOINT_NAMES, ENDPOINTS } from "../baidu/endpoints";
import { coalescingKey } from "../baidu/record";
import type { Clock } from "../lib/clock";
import { describeError, type Logger } from "../ops/log";
import { purgeFinished } from "../store/ledger-admin";
import { maintainEmbedded } from "../store/maintenance";
import {
  claimDeliveries,
  coalesce,
  finishAttempts,
  extendLease,
  leaseHolder,
  markSending,
  nextWakeAt,
  recoverLeases,
  releaseDelivery,
  waiterChannel,
  type ClaimedDelivery,
  type Finish,
  type Lease,
} from "../store/ledger-queue";
import { groupCommit } from "../lib/group-commit";
import { FINAL_STATES, type DeliveryRecord, type DeliveryState } from "../store/records";
import { refusedByDatabase, type Sql } from "../store/sql";
import type { EndpointName } from "../baidu/endpoints";
import type { AttemptOutcome } from "../store/records";
import { attempt, LeaseLost } from "./attempt";
import type { DeliveryOptions } from "./options";
import { outsideRequest } from "../ops/request-scope";

const NOT_REPLAY_SAFE = ENDPOINT_NAMES.filter((name) => !ENDPOINTS[name].replaySafe);
const HOUR_MS = 3_600_000;
/**
 * How often the embedded store reclaims the space of finished rows: often enough that one VACUUM
 * (which holds the store while it runs) has about a minute of writes to go through.
 */
const VACUUM_MS = 60_000;

/** What the worker reports as it goes, for metrics. */
export interface WorkerObserver {
  /** An attempt ended after `seconds`. */
  attempt(endpoint: EndpointName, outcome: AttemptOutcome, seconds: number): void;
  /** A delivery reached a final state. */
  ended(state: DeliveryState): void;
  /** Another process ended (or moved on) a delivery a mutation here waits for, and said so. */
  notice(): void;
}

/**
 * Delivers from the ledger. A pass claims what is due (each order's oldest write only), sends it,
 * and records the attempt; it runs when a write is accepted, when an attempt ends, at the next
 * attempt due, and every `pollMs` for work queued by other processes. No queue library is used: see
 * docs/decisions/queue.md.
 */
export class DeliveryWorker {
  /** This process's name on the leases it holds and on the deliveries its mutations wait for. */
  readonly owner = randomUUID().replaceAll("-", "");
  private inFlight = new Set<Promise<void>>();
  private passing = false;
  private again = false;
  private stopped = false;
  private nextWake = Infinity;
  private timers: NodeJS.Timeout[] = [];
  private readonly chores = new Set<Promise<void>>();
  /** How many leases this process has taken: each claim's lease has a holder of its own. */
  private claims = 0;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly finished = new Map<number, Set<(delivery?: DeliveryRecord) => void>>();
  /** Attempts that end together are recorded together (group commit). */
  private readonly finish: (finish: Finish) => Promise<DeliveryRecord | undefined>;

  constructor(
    private readonly sql: Sql,
    private readonly baidu: BaiduClient,
    private readonly options: DeliveryOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly observe: WorkerObserver = {
      attempt: () => {},
      ended: () => {},
      notice: () => {},
    },
  ) {
    this.finish = groupCommit((finishes) => finishAttempts(sql, this.owner, finishes), {
      undone: refusedByDatabase,
    });
  }

  /** Attempts this process has in flight. */
  get attemptsInFlight(): number {
    return this.inFlight.size;
  }

  /** Takes back what a stopped process left in flight, then starts delivering. */
  async start(): Promise<void> {
    // The embedded store belongs to one process: whatever it shows in flight was this process's
    // before a stop.
    await this.recover(this.sql.kind === "pglite");
    await this.purge();
    // Another process that ends a delivery a mutation here waits for says so (PostgreSQL only; the
    // poll covers a lost notice).
    this.unlisten = await this.sql.listen?.(waiterChannel(this.owner), (payload) => {
      this.observe.notice();
      this.notify(Number(payload));
    });
    // The poll: work other processes queued, leases that ran out, backoffs set by other processes.
    this.every(this.options.pollMs, () => this.poll());
    this.every(HOUR_MS, () => this.purge());
    if (this.sql.kind === "pglite") this.every(VACUUM_MS, () => this.maintain(false));
    await this.poll();
  }

  /** Looks for work soon; calls made while a pass runs are folded into one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = true;
    // A pass serves every order with work, not the request that kicked it: its lines carry the
    // deliveries' ids, not that request's id.
    outsideRequest(() => setImmediate(() => void this.pass()));
  }

  /**
   * Calls `listener` whenever this process records progress on delivery `id`, with the delivery
   * when it has it.
   */
  onProgress(id: number, listener: (delivery?: DeliveryRecord) => void): () => void {
    const listeners = this.finished.get(id) ?? new Set();
    listeners.add(listener);
    this.finished.set(id, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.finished.delete(id);
    };
  }

  /** Stops claiming and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.unlisten?.();
    // A poll, purge or VACUUM under way finishes before the store may be closed.
    await Promise.all(this.chores);
    while (this.passing || this.inFlight.size > 0)
      await Promise.race([...this.inFlight, new Promise((resolve) => setTimeout(resolve, 10))]);
  }

  /**
   * Runs `chore` every `ms` until the worker stops; `stop` waits for the one under way. A chore
   * still running when its time comes again (a slow store) is not started a second time.
   */
  private every(ms: number, chore: () => Promise<void>): void {
    let running = false;
    const run = () => {
      if (this.stopped || running) return;
      running = true;
      const current = chore().finally(() => {
        this.chores.delete(current);
        running = false;
      });
      this.chores.add(current);
    };
    this.timers.push(setInterval(run, ms).unref());
  }

  /** A new lease, for a claim; `renew` extends one already held (same holder). */
  private lease(renew?: Lease): Lease {
    const now = this.clock.now();
    const holder = renew?.holder ?? leaseHolder(this.owner, ++this.claims);
    return { holder, now, until: now + this.options.leaseMs };
  }

  private async pass(): Promise<void> {
    try {
      for (;;) {
        this.again = false;
        const free = this.options.concurrency - this.inFlight.size;
        if (this.stopped || free <= 0) break;
        const lease = this.lease();
        const claimed = await claimDeliveries(this.sql, lease, free);
        for (const delivery of claimed) this.track(this.run(delivery, lease));
        if (claimed.length < free && !this.again) break;
      }
    } catch (error) {
      this.logger.error(
        "Delivery pass failed; trying again at the next poll",
        describeError(error),
      );
    } finally {
      this.passing = false;
      if (this.again) this.kick();
    }
  }

  private track(run: Promise<void>): void {
    const tracked = run.finally(() => {
      this.inFlight.delete(tracked);
      this.kick();
    });
    this.inFlight.add(tracked);
  }

  private async run(claimed: ClaimedDelivery, claimLease: Lease): Promise<void> {
    try {
      const coalescible =
        claimed.hasFollowers &&
        ENDPOINTS[claimed.endpoint].overwrites &&
        claimed.resourceIds.length === 1;
      const renewed = coalescible ? this.lease(claimLease) : claimLease;
      const { delivery, superseded } = coalescible
        ? await coalesce(this.sql, claimed, renewed, coalescingKey)
        : { delivery: claimed, superseded: [] };
      // The newest write of a run took the renewed lease; with nothing collapsed, the claim's
      // holds.
      const lease = superseded.length > 0 ? renewed : claimLease;
      for (const record of superseded) this.notify(record.id, record);
      const end = await attempt(
        delivery,
        this.baidu,
        this.sendOptions(delivery, lease),
        this.options,
        this.clock,
        this.logger,
      );
      if ("retryAt" in end) {
        const state = await releaseDelivery(
          this.sql,
          delivery.id,
          lease.holder,
          this.clock.now(),
          end.retryAt,
        );
        if (state === "PENDING") this.wakeAt(end.retryAt);
        if (state === "FAILED") {
          this.observe.ended(state);
          this.logger.error("Delivery failed: no room in the call budget before its deadline", {
            deliveryId: delivery.id,
            endpoint: delivery.endpoint,
          });
          this.notify(delivery.id);
        }
        return;
      }
      this.observe.attempt(delivery.endpoint, end.outcome, (end.finishedAt - end.startedAt) / 1000);
      const recorded = await this.finish({
        id: delivery.id,
        lease: lease.holder,
        end,
        final: FINAL_STATES.has(end.state),
      });
      if (!recorded)
        this.logger.warn(
          "A delivery's lease ran out during its attempt; it has been taken over (by another process or a later claim)",
          { deliveryId: delivery.id },
        );
      if (recorded && end.nextAttemptAt !== null) this.wakeAt(end.nextAttemptAt);
      if (recorded && FINAL_STATES.has(recorded.state)) this.observe.ended(recorded.state);
      this.notify(delivery.id, recorded);
    } catch (error) {
      this.logger.error(
        "Recording a delivery attempt failed; its lease will run out and it will be tried again",
        {
          deliveryId: claimed.id,
          ...describeError(error),
        },
      );
    }
  }

  /**
   * A write leaves only under a lease that covers the whole attempt, so that its requests are over
   * before the lease can be taken over: budget room is waited for only while the lease leaves that
   * time, and a lease with less left by then (a slow claim, a short `leaseMs`) is extended first. A
   * write that must not be replayed is marked just before it leaves (extending its lease in the
   * same statement), so that a lease lost before then is known never to have been sent.
   */
  private sendOptions(delivery: ClaimedDelivery, lease: Lease): SendOptions {
    const admitBy = lease.until - this.baidu.attemptBoundMs;
    const replaySafe = ENDPOINTS[delivery.endpoint].replaySafe;
    return {
      admitBy,
      beforeSending: async () => {
        const now = this.clock.now();
        const until = now + this.options.leaseMs;
        const held = !replaySafe
          ? await markSending(this.sql, delivery.id, lease.holder, now, until)
          : now <= admitBy || (await extendLease(this.sql, delivery.id, lease.holder, now, until));
        if (!held) throw new LeaseLost(delivery.id);
      },
    };
  }

  private notify(id: number, delivery?: DeliveryRecord): void {
    for (const listener of this.finished.get(id) ?? []) listener(delivery);
  }

  private async poll(): Promise<void> {
    await this.recover(false);
    try {
      const due = await nextWakeAt(this.sql, this.clock.now());
      if (due !== null) this.wakeAt(due);
    } catch (error) {
      this.logger.error("Looking for the next attempt due failed", describeError(error));
    }
    this.kick();
  }

  /** One sleep on the injected clock until the earliest next attempt known to this process. */
  private wakeAt(due: number): void {
    if (this.stopped || due >= this.nextWake) return;
    this.nextWake = due;
    void this.clock.sleep(Math.max(0, due - this.clock.now())).then(() => {
      if (this.nextWake === due) this.nextWake = Infinity;
      this.kick();
    });
  }

  private async recover(everyLease: boolean): Promise<void> {
    try {
      const recovered = await recoverLeases(
        this.sql,
        this.clock.now(),
        everyLease,
        NOT_REPLAY_SAFE,
      );
      for (const { id, state, unsent } of recovered) {
        this.logger.warn(
          unsent
            ? "Took over a delivery whose attempt stopped before sending"
            : "Took over a delivery whose attempt was interrupted",
          {
            deliveryId: id,
            state,
          },
        );
        this.notify(id);
      }
    } catch (error) {
      this.logger.error("Recovering interrupted deliveries failed", describeError(error));
    }
  }

  private async purge(): Promise<void> {
    try {
      const removed = await purgeFinished(this.sql, this.clock.now() - this.options.retentionMs);
      if (removed > 0)
        this.logger.info("Removed finished deliveries past their retention", { removed });
    } catch (error) {
      this.logger.error("Removing old deliveries failed", describeError(error));
    }
    // The space the purge freed, and statistics for the planner (embedded store only).
    await this.maintain(true);
  }

  private async maintain(analyze: boolean): Promise<void> {
    try {
      await maintainEmbedded(this.sql, analyze);
    } catch (error) {
      this.logger.error("Reclaiming the embedded store's space failed", describeError(error));
    }
  }
}
