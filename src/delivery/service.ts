import type { EndpointName } from "../baidu/endpoints";
import type { Clock } from "../lib/clock";
import { cancelDelivery, hurryDelivery } from "../store/ledger-admin";
import { groupCommit } from "../lib/group-commit";
import { acceptDeliveries, type Accepted, type NewDelivery } from "../store/ledger-accept";
import { getImportedIds, type ImportedIds, type OrderKey } from "../store/ledger-ids";
import { getDeliveriesById } from "../store/ledger-read";
import { FINAL_STATES, type DeliveryRecord } from "../store/records";
import { refusedByDatabase, type Sql } from "../store/sql";
import { DeliveryStateError, IdempotencyConflictError } from "./errors";
import type { DeliveryOptions } from "./options";
import type { DeliveryWorker } from "./worker";

/** A validated write, ready for the ledger (which adds when it was accepted and its deadline). */
export type Write = Omit<NewDelivery, "acceptedAt" | "deadlineAt" | "retryOf" | "waiter">;

/** Where a write stands when its mutation answers. */
export interface Submitted {
  /** The write's own delivery. */
  delivery: DeliveryRecord;
  /** The delivery that carried it to Baidu: its own, or the newer one that superseded it. */
  carrier: DeliveryRecord;
}

/**
 * Accepting writes into the ledger, waiting for them, and a person's retry and cancel. Writes, and
 * the lookups of their orders' imported ids, are group-committed: under load, those that arrive
 * while one statement runs go together in the next.
 */
export class DeliveryService {
  private readonly accept: (write: NewDelivery) => Promise<Accepted>;
  private readonly imported: (order: OrderKey) => Promise<ImportedIds | null>;
  private readonly load: (id: number) => Promise<DeliveryRecord | undefined>;

  constructor(
    private readonly sql: Sql,
    private readonly worker: DeliveryWorker,
    private readonly options: DeliveryOptions,
    private readonly clock: Clock,
    private readonly onAccepted: (endpoint: EndpointName) => void = () => {},
  ) {
    const undone = refusedByDatabase;
    this.accept = groupCommit((writes) => acceptDeliveries(sql, writes), { undone });
    // Reads may always be run again.
    const reads = { undone: () => true };
    this.imported = groupCommit((orders) => getImportedIds(sql, orders), reads);
    this.load = groupCommit((ids) => getDeliveriesById(sql, ids), reads);
  }

  /**
   * The ids each of these orders of one app was imported with (E1), by resourceId; an order the
   * ledger holds no live import of is left out.
   */
  async importedIds(
    appKey: string,
    resourceIds: readonly string[],
  ): Promise<Map<string, ImportedIds>> {
    const unique = [...new Set(resourceIds)];
    const found = await Promise.all(
      unique.map((resourceId) => this.imported({ appKey, resourceId })),
    );
    return new Map(found.flatMap((ids) => (ids ? [[ids.resourceId, ids] as const] : [])));
  }

  /** Commits the write, then (in WAIT mode) waits up to `waitMs` for its delivery to end. */
  async submit(write: Write, wait: boolean): Promise<Submitted> {
    const now = this.clock.now();
    const accepted = await this.accept({
      ...write,
      acceptedAt: now,
      deadlineAt: now + this.options.deadlineMs,
      waiter: wait ? this.worker.owner : null,
    });
    if (accepted.conflict) throw new IdempotencyConflictError(accepted.conflict.id);
    if (accepted.created) this.onAccepted(write.endpoint);
    this.worker.kick();
    if (!wait) return { delivery: accepted.delivery, carrier: accepted.delivery };
    return this.waitFor(accepted.delivery);
  }

  /**
   * Sends an ended delivery again as a new write (behind every write accepted so far), or hurries a
   * pending one (one that ended meanwhile is sent again as it now stands).
   */
  async retry(asked: DeliveryRecord, caller: string): Promise<DeliveryRecord> {
    let delivery = asked;
    if (delivery.state === "PENDING") {
      const hurried = await this.whilePending(delivery, () =>
        hurryDelivery(this.sql, asked.id, this.clock.now()),
      );
      if (hurried.changed) return hurried.changed;
      delivery = hurried.current;
    }
    if (!["FAILED", "OUTCOME_UNKNOWN", "CANCELLED"].includes(delivery.state))
      throw new DeliveryStateError(delivery.id, delivery.state, "retried");
    const now = this.clock.now();
    // Retrying one delivery twice (a double click) gives the same new delivery, not a second write.
    const idempotencyKey = `retry-of:${delivery.id}`;
    // The new write is the operator's: the ledger says who sent it again (`retryOf` says what).
    const write = {
      ...delivery,
      caller,
      idempotencyKey,
      retryOf: delivery.id,
      acceptedAt: now,
      deadlineAt: now + this.options.deadlineMs,
    };
    const accepted = await this.accept(write);
    if (accepted.conflict) throw new IdempotencyConflictError(accepted.conflict.id);
    this.worker.kick();
    return accepted.delivery;
  }

  async cancel(delivery: DeliveryRecord): Promise<DeliveryRecord> {
    const cancelled = await this.whilePending(delivery, () =>
      cancelDelivery(this.sql, delivery.id, this.clock.now()),
    );
    if (cancelled.changed) return cancelled.changed;
    throw new DeliveryStateError(delivery.id, cancelled.current.state, "cancelled");
  }

  /**
   * Changes a PENDING delivery (`change` answers undefined when it is not PENDING), or answers the
   * delivery as it is now if it had moved on first (the worker took it). One back to PENDING by
   * then (its attempt failed and it waits for the next) is changed after all.
   */
  private async whilePending(
    asked: DeliveryRecord,
    change: () => Promise<DeliveryRecord | undefined>,
  ): Promise<{ changed: DeliveryRecord } | { changed?: undefined; current: DeliveryRecord }> {
    for (let tries = 1; ; tries++) {
      const changed = await change();
      if (changed) {
        this.worker.kick();
        return { changed };
      }
      const current = (await this.load(asked.id)) ?? asked;
      if (current.state !== "PENDING" || tries === 3) return { current };
    }
  }

  /**
   * Follows a superseded delivery to the one that carried it; gives up at the budget with what is
   * known.
   */
  private async waitFor(own: DeliveryRecord): Promise<Submitted> {
    const budgetEnds = Date.now() + this.options.waitMs;
    let delivery = own;
    let carrier = own;
    let watch = this.watch(own.id);
    // The write is committed: from here on, a failure to read its progress answers with what is
    // known.
    try {
      for (;;) {
        if (carrier.state === "SUPERSEDED" && carrier.supersededBy !== null) {
          watch.stop();
          watch = this.watch(carrier.supersededBy);
          delivery = carrier.id === own.id ? carrier : delivery;
          carrier = await this.read(carrier.supersededBy);
          continue;
        }
        const left = budgetEnds - Date.now();
        if (FINAL_STATES.has(carrier.state) || left <= 0)
          return { delivery: carrier.id === own.id ? carrier : delivery, carrier };
        const known = await watch.next(Math.min(left, this.options.pollMs));
        carrier = known ?? (await this.read(carrier.id));
      }
    } catch {
      return { delivery, carrier: carrier.id === own.id ? delivery : carrier };
    } finally {
      watch.stop();
    }
  }

  /**
   * Progress on one delivery recorded by this process; `next` returns at once if some came since
   * the last call, else at the next or after `ms` (another process may be the one delivering it),
   * with the delivery as recorded when the worker had it at hand.
   */
  private watch(id: number): {
    next(ms: number): Promise<DeliveryRecord | undefined>;
    stop(): void;
  } {
    let progressed = false;
    let latest: DeliveryRecord | undefined;
    let wake = () => {};
    const stop = this.worker.onProgress(id, (delivery) => {
      progressed = true;
      latest = delivery;
      wake();
    });
    const take = () => {
      const seen = latest;
      progressed = false;
      latest = undefined;
      return seen;
    };
    return {
      stop,
      next: (ms) =>
        new Promise<DeliveryRecord | undefined>((resolve) => {
          if (progressed) return resolve(take());
          const timer = setTimeout(() => wake(), ms);
          wake = () => {
            clearTimeout(timer);
            wake = () => {};
            resolve(take());
          };
        }),
    };
  }

  private async read(id: number): Promise<DeliveryRecord> {
    const delivery = await this.load(id);
    if (!delivery) throw new Error(`Delivery ${id} vanished while a mutation waited for it`);
    return delivery;
  }
}
