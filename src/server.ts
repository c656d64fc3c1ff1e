import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setInputLimits } from "../schema/validators";
import { createAuthenticator } from "./auth/authenticator";
import type { GatewayConfig } from "./config/types";
import { createApollo } from "./graphql/apollo";
import { createSchema } from "./graphql/build-schema";
import { authenticatedBy } from "./graphql/errors";
import { fieldRolesPlugin } from "./graphql/field-roles";
import { operationOutcomePlugin } from "./graphql/operation-outcome";
import { createGraphQLHandler } from "./http/graphql-handler";
import { createRouter, type StartedParts } from "./http/router";
import { systemClock, type Clock } from "./lib/clock";
import { describeError, holdSecret, type Logger } from "./ops/log";
import { createServices } from "./services";
import { checkClock } from "./store/clock-skew";
import { openStore } from "./store/open";
import type { Sql } from "./store/sql";

export interface Gateway {
  /** Where GraphQL is served, e.g. http://127.0.0.1:4000/graphql */
  readonly graphqlUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface GatewayOptions {
  config: GatewayConfig;
  logger: Logger;
  clock?: Clock;
  /** An open, migrated store to use instead of the configured one; the caller closes it. */
  sql?: Sql;
  /**
   * Node's process figures in /metrics (`npm start`;
   * off for the many gateways of one test process).
   */
  processMetrics?: boolean;
}

/**
 * Starts the gateway: GraphQL on `/graphql` (an offline GraphiQL for browsers in development, a
 * page saying where the API is in production), `GET /healthz` (alive), `GET /readyz` (started, not
 * stopping, and the store answers), `GET /metrics`.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  // Set by close(): answers still being computed then ask for their connections to close after
  // them, and /readyz says "stopping".
  let closing = false;
  let started: Started | undefined;
  // Listening comes first, so that /healthz answers and /readyz says "starting" while the store
  // opens and migrates (a long migration is not mistaken for a dead process).
  const server = createServer(
    {
      // Slow clients: the headers, then the whole request, must arrive in time; checked that often.
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(config.http.headersTimeoutMs / 2)),
    },
    createRouter({
      config,
      logger,
      started: () => started,
      ready: () => ready(started, () => closing),
    }),
  );
  server.keepAliveTimeout = 10_000;
  // Past the cap, a new connection is closed at once.
  server.maxConnections = config.http.maxConnections;
  await listen(server, config.port, config.host);
  try {
    started = await startParts(options, clock, () => closing);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const parts = started;
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    graphqlUrl: `http://${config.host}:${port}/graphql`,
    port,
    /**
     * Says "stopping" on /readyz, waits `shutdownDelayMs` for load balancers to notice, stops
     * taking requests and lets those in flight finish (a waiting mutation answers within its wait
     * budget), lets the attempts in flight be recorded, then closes Baidu's pool and the store.
     * Whatever is still pending stays in the ledger for the next start.
     */
    close() {
      // Two signals (SIGTERM, then Ctrl-C) share one shutdown.
      closed ??= shutDown();
      return closed;
    },
  };

  async function shutDown(): Promise<void> {
    closing = true;
    if (config.http.shutdownDelayMs > 0) await clock.sleep(config.http.shutdownDelayMs);
    const drainMs = config.delivery.waitMs + 1_000;
    const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const cutOff = setTimeout(() => server.closeAllConnections(), drainMs).unref();
    await listenerClosed;
    clearTimeout(cutOff);
    await parts.stop();
  }
}

/** What the gateway runs once started: the GraphQL handler, its metrics and its store. */
interface Started extends StartedParts {
  sql: Sql;
  stop(): Promise<void>;
}

/** Opens the store, starts the delivery services and Apollo. */
async function startParts(
  { config, logger, sql: given, processMetrics = false }: GatewayOptions,
  clock: Clock,
  closing: () => boolean,
): Promise<Started> {
  // Batch sizes are checked by the input classes' decorators, which read them from there.
  setInputLimits(config.inputLimits);
  for (const app of config.apps) holdSecret(app.appSecret);
  const store = given ?? (await openStore(config.store));
  const { sql, baidu, deliveries, metrics, ...services } = createServices(
    config,
    store,
    clock,
    logger,
    processMetrics,
  );
  const schema = await createSchema();
  const apollo = createApollo({
    schema,
    config,
    logger,
    plugins: [operationOutcomePlugin(), fieldRolesPlugin()],
  });
  // Whatever started is stopped again, in reverse, when a later step fails (or on close()).
  const stop = async () => {
    await services.stop();
    await apollo.stop();
    if (!given) await store.close();
  };
  try {
    if (clock === systemClock) await checkClock(sql, logger);
    await apollo.start();
    await services.start();
  } catch (error) {
    await stop().catch((cause: unknown) =>
      logger.error("Stopping after a failed start failed", describeError(cause)),
    );
    throw error;
  }
  const authenticator = createAuthenticator(config, { clock, logger });
  const apps = new Map(config.apps.map((app) => [app.appKey, app]));
  const graphql = createGraphQLHandler(
    apollo,
    async (request) => {
      const caller = await authenticatedBy(
        authenticator.authenticate(request.headers.authorization),
      );
      return { caller, baidu, wire: config.baidu.wire, apps, deliveries, sql };
    },
    closing,
  );
  return { graphql, metrics, sql, stop };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    // A burst of new connections (a thousand clients at once) outgrows Node's default backlog of
    // 511.
    server.listen({ port, host, backlog: 4096 }, () => resolve());
  });
}

/** Ready: started, not shutting down, and the store answers within a second. */
async function ready(
  started: Started | undefined,
  closing: () => boolean,
): Promise<{ status: number; body: string }> {
  if (closing()) return { status: 503, body: '{"status":"stopping"}' };
  if (!started) return { status: 503, body: '{"status":"starting"}' };
  const answered = started.sql.query("select 1").then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
  return (await Promise.race([answered, timeout]))
    ? { status: 200, body: '{"status":"ready"}' }
    : { status: 503, body: '{"status":"store unavailable"}' };
}
