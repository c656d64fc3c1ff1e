import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What every replica sees alike, read from the ledger when scraped. */
export interface SharedFigures {
  /** Deliveries by state, for the states that are not final. */
  open: Record<"PENDING" | "SENDING", number>;
  /** Age of the oldest PENDING delivery, in seconds (0 if none). */
  oldestPendingSeconds: number;
  /** Slow-down level per app, where one is in force. */
  throttleLevels: Map<string, number>;
}

export interface MetricsSources {
  /** This process's name on leases, waits and logs. */
  replica: string;
  shared(): Promise<SharedFigures>;
  inFlight(): number;
  statements(): number;
  /** Node's process metrics too (`npm start`; not for the many gateways of one test process). */
  process: boolean;
}

const PREFIX = "baidu_gateway_";
const SHARED =
  "Shared by every replica (read from the ledger): the same on each, aggregate with max, not sum.";
const PER_REPLICA = "This replica's own: aggregate with sum.";

/**
 * The gateway's Prometheus metrics (prom-client), one registry per gateway. Counters and in-flight
 * figures are this process's own; ledger figures are shared, and labelled as such in their help.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly attempts: Counter<"endpoint" | "outcome">;
  readonly tokenFetches: Counter<"app" | "outcome">;
  readonly accepted: Counter<"endpoint">;
  readonly notices: Counter;
  readonly attemptSeconds: Histogram<"endpoint" | "outcome">;
  readonly ended: Counter<"state">;
  readonly operations: Counter<"operation" | "code">;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    new Gauge({
      name: `${PREFIX}replica_info`,
      help: `This replica's name. ${PER_REPLICA}`,
      labelNames: ["replica"],
      registers,
    }).set({ replica: sources.replica }, 1);
    this.attempts = new Counter({
      name: `${PREFIX}baidu_attempts_total`,
      help: `Attempts this replica made to deliver a write to Baidu, by endpoint and outcome. ${PER_REPLICA}`,
      labelNames: ["endpoint", "outcome"],
      registers,
    });
    this.tokenFetches = new Counter({
      name: `${PREFIX}baidu_token_requests_total`,
      help: `Access token requests this replica sent to Baidu, by app and outcome (issued or failed). ${PER_REPLICA}`,
      labelNames: ["app", "outcome"],
      registers,
    });
    this.accepted = new Counter({
      name: `${PREFIX}writes_accepted_total`,
      help: `Writes this replica accepted into the ledger, by endpoint. ${PER_REPLICA}`,
      labelNames: ["endpoint"],
      registers,
    });
    this.attemptSeconds = new Histogram({
      name: `${PREFIX}baidu_attempt_seconds`,
      help: `How long this replica's attempts took (token, write and any replay), by endpoint and outcome. ${PER_REPLICA}`,
      labelNames: ["endpoint", "outcome"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.ended = new Counter({
      name: `${PREFIX}deliveries_ended_total`,
      help: `Deliveries this replica brought to a final state (DELIVERED, FAILED, OUTCOME_UNKNOWN, …). ${PER_REPLICA}`,
      labelNames: ["state"],
      registers,
    });
    this.operations = new Counter({
      name: `${PREFIX}operations_total`,
      help: `GraphQL operations this replica answered, by their first field (schema names only) and the code of their first error (OK if none). ${PER_REPLICA}`,
      labelNames: ["operation", "code"],
      registers,
    });
    this.notices = new Counter({
      name: `${PREFIX}waiter_notices_total`,
      help: `Notices from other replicas that a delivery a mutation here waits for has moved on. ${PER_REPLICA}`,
      registers,
    });
    new Gauge({
      name: `${PREFIX}deliveries_in_flight`,
      help: `Attempts this replica has in flight. ${PER_REPLICA}`,
      registers,
      collect() {
        this.set(sources.inFlight());
      },
    });
    let counted = 0;
    new Counter({
      name: `${PREFIX}store_statements_total`,
      help: `SQL statements this replica sent to the store. ${PER_REPLICA}`,
      registers,
      collect() {
        const now = sources.statements();
        this.inc(now - counted);
        counted = now;
      },
    });
    this.shared(sources, registers);
    if (sources.process) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /**
   * Counts an answered operation by its first root field, a name the schema defines (a client's
   * operation name would be unbounded), and its outcome code.
   */
  countOperation(operation: string, code: string): void {
    this.operations.inc({ operation, code });
  }

  /** The text a scrape gets. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private shared(sources: MetricsSources, registers: Registry[]): void {
    // One read of the ledger per scrape, however many gauges show it. When the store does not
    // answer, the last figures stand (and the failure is counted), so the per-replica ones still
    // get out.
    let failed = 0;
    let last: SharedFigures = {
      open: { PENDING: 0, SENDING: 0 },
      oldestPendingSeconds: 0,
      throttleLevels: new Map(),
    };
    let reading: Promise<SharedFigures> | undefined;
    const read = () =>
      (reading ??= sources
        .shared()
        .then(
          (figures) => (last = figures),
          () => {
            failed++;
            return last;
          },
        )
        .finally(() => setImmediate(() => (reading = undefined))));
    new Gauge({
      name: `${PREFIX}ledger_deliveries`,
      help: `Deliveries not yet ended, by state. ${SHARED}`,
      labelNames: ["state"],
      registers,
      async collect() {
        const { open } = await read();
        for (const [state, count] of Object.entries(open)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: `${PREFIX}ledger_oldest_pending_seconds`,
      help: `How long the oldest PENDING delivery has waited. ${SHARED}`,
      registers,
      async collect() {
        this.set((await read()).oldestPendingSeconds);
      },
    });
    new Gauge({
      name: `${PREFIX}baidu_throttle_level`,
      help: `Steps of slow-down in force for an app after Baidu refused calls for load (each halves the budget). ${SHARED}`,
      labelNames: ["app"],
      registers,
      async collect() {
        this.reset();
        for (const [app, level] of (await read()).throttleLevels) this.set({ app }, level);
      },
    });
    // Waits for the scrape's own read, so that it counts that read's failure.
    let counted = 0;
    new Counter({
      name: `${PREFIX}ledger_read_failures_total`,
      help: `Scrapes for which this replica could not read the ledger's shared figures (they show the last ones read). ${PER_REPLICA}`,
      registers,
      async collect() {
        await read();
        this.inc(failed - counted);
        counted = failed;
      },
    });
  }
}
