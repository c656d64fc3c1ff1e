import { hostname } from "node:os";
import { Budget } from "./baidu/budget";
import { BaiduClient } from "./baidu/client";
import type { Clock } from "./lib/clock";
import type { GatewayConfig } from "./config/types";
import { DeliveryService } from "./delivery/service";
import { DeliveryWorker } from "./delivery/worker";
import { describeError, type Logger } from "./ops/log";
import { GatewayMetrics } from "./ops/metrics";
import { ledgerBudgetStore, THROTTLE_CHANNEL } from "./store/budget";
import { openDeliveryFigures } from "./store/ledger-read";
import { countStatements, type Sql } from "./store/sql";
import { ledgerTokenStore } from "./store/tokens";

/** The gateway's working parts on one store: Baidu's client, the delivery worker, metrics. */
export interface Services {
  sql: Sql;
  baidu: BaiduClient;
  worker: DeliveryWorker;
  deliveries: DeliveryService;
  metrics: GatewayMetrics;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wires the parts. What the replicas of a deployment share goes through the store: each app's
 * token, the QPS budget and slow-down, the delivery queue and its leases.
 */
export function createServices(
  config: GatewayConfig,
  store: Sql,
  clock: Clock,
  logger: Logger,
  processMetrics: boolean,
): Services {
  const sql = countStatements(store);
  // Who fetched the token of record, for the operator reading baidu_tokens.
  const replicaName = `${hostname()}:${process.pid}`;
  const budget = new Budget(
    ledgerBudgetStore(sql, () => clock.now()),
    config.baidu.budget,
    clock,
  );
  let metrics: GatewayMetrics | undefined;
  const baidu = new BaiduClient({
    baseUrl: config.baidu.baseUrl,
    apps: config.apps,
    transport: { timeoutMs: config.baidu.timeoutMs, connections: config.baidu.connections },
    clock,
    logger,
    tokens: ledgerTokenStore(sql, replicaName, () => clock.now()),
    budget,
    onTokenFetch: (app, outcome) => metrics?.tokenFetches.inc({ app, outcome }),
  });
  const worker = new DeliveryWorker(sql, baidu, config.delivery, clock, logger, {
    attempt: (endpoint, outcome, seconds) => {
      metrics?.attempts.inc({ endpoint, outcome });
      metrics?.attemptSeconds.observe({ endpoint, outcome }, seconds);
    },
    ended: (state) => metrics?.ended.inc({ state }),
    notice: () => metrics?.notices.inc(),
  });
  metrics = new GatewayMetrics({
    replica: worker.owner,
    process: processMetrics,
    inFlight: () => worker.attemptsInFlight,
    statements: () => sql.statements,
    shared: async () => {
      const figures = await openDeliveryFigures(sql, clock.now());
      return {
        open: { PENDING: figures.pending, SENDING: figures.sending },
        oldestPendingSeconds: figures.oldestPendingSeconds,
        throttleLevels: budget.levels(),
      };
    },
  });
  const deliveries = new DeliveryService(sql, worker, config.delivery, clock, (endpoint) =>
    metrics?.accepted.inc({ endpoint }),
  );
  const timers: NodeJS.Timeout[] = [];
  let unlisten: (() => Promise<void>) | undefined;
  const refreshBudget = () =>
    budget
      .refresh()
      .catch((error: unknown) =>
        logger.error("Reading the shared slow-down of Baidu calls failed", describeError(error)),
      );
  return {
    sql,
    baidu,
    worker,
    deliveries,
    metrics,
    async start() {
      await refreshBudget();
      // Slow-downs another replica records are announced, and read again at every poll in case a
      // notice was lost.
      unlisten = await sql.listen?.(THROTTLE_CHANNEL, () => void refreshBudget());
      timers.push(setInterval(() => void refreshBudget(), config.delivery.pollMs).unref());
      await worker.start();
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await unlisten?.();
      await worker.stop();
      await baidu.close();
    },
  };
}
