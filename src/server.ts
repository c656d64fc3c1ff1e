import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { ApiKeys } from "./auth";
import { systemClock, type Clock } from "./clock";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import { createFormatError, unauthenticated } from "./errors";
import { createGraphQLHandler, send } from "./http";
import { describeError, holdSecret, type Logger } from "./log";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import type { DocumentNode } from "graphql";
import { schemaNames } from "./echo";
import { createCors } from "./cors";
import { checkClock } from "./clock-skew";
import { limitRules } from "./limits";
import { setInputLimits } from "../schema/validators";
import { createSchema } from "./schema";
import { createServices } from "./services";
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
  /** Node's process figures in /metrics (`npm start`; off for the many gateways of one test process). */
  processMetrics?: boolean;
}

/**
 * Starts the gateway: GraphQL on `/graphql` (Apollo's landing page for browsers in development),
 * `GET /healthz` (alive), `GET /readyz` (not stopping, and the store answers), `GET /metrics`.
 */
export async function startGateway({ config, logger, clock = systemClock, sql: given, processMetrics = false }: GatewayOptions): Promise<Gateway> {
  const development = config.mode === "development";
  // Batch sizes are checked by the input classes' decorators, which read them from there.
  setInputLimits(config.inputLimits);
  for (const app of config.apps) holdSecret(app.appSecret);
  const store = given ?? (await openStore(config.store));
  const { sql, baidu, deliveries, metrics, ...services } = createServices(config, store, clock, logger, processMetrics);
  if (clock === systemClock) await checkClock(sql, logger);
  const apiKeys = new ApiKeys(config.apiKeys);
  const apps = new Map(config.apps.map((app) => [app.appKey, app]));
  const schema = await createSchema();
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    formatError: createFormatError({ logger, development, schemaNames: schemaNames(schema) }),
    includeStacktraceInErrorResponses: development,
    introspection: development,
    hideSchemaDetailsFromClientErrors: !development,
    // Limits on what one request may ask (README, "Limits"); parsing stops at maxTokens.
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: limitRules(config.limits),
    // Parsed documents are kept by count and by an estimate of their heap size (about 40 bytes a
    // character of source), not Apollo's default, which counts only their JSON.
    documentStore: new InMemoryLRUCache<DocumentNode>({
      max: config.limits.documentCacheEntries,
      maxSize: config.limits.documentCacheBytes,
      sizeCalculation: (document) => Math.max(1, (document.loc?.end ?? 1000) * 40),
    }),
    // Automatic persisted queries would keep documents of their own: off.
    persistedQueries: false,
    // Shutdown is ours (main.ts): Apollo's own signal handlers would stop it before requests in flight finish.
    stopOnTerminationSignals: false,
    // Apollo's own messages go through our logger, which redacts secrets like every other line.
    logger: {
      debug: (m) => logger.debug(String(m)),
      info: (m) => logger.info(String(m)),
      warn: (m) => logger.warn(String(m)),
      error: (m) => logger.error(String(m)),
    },
    // A playground in development; in production no page at all (it would only point browsers at a CDN).
    plugins: [development ? ApolloServerPluginLandingPageLocalDefault({ footer: false }) : ApolloServerPluginLandingPageDisabled(), metrics.plugin()],
  });
  await apollo.start();
  await services.start();
  // Set by close(): answers still being computed then ask for their connections to close after them.
  let closing = false;
  const graphql = createGraphQLHandler(
    apollo,
    async (request) => {
      const caller = apiKeys.authenticate(request.headers.authorization);
      if (!caller) throw unauthenticated();
      return { caller, baidu, apps, deliveries, sql };
    },
    () => closing,
  );
  const corsFor = createCors(config.http.corsOrigins);
  const server = createServer(
    {
      // Slow clients: the headers, then the whole request, must arrive in time; checked that often.
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(config.http.headersTimeoutMs / 2)),
    },
    (request, response) => {
      const url = request.url ?? "/";
      const queryAt = url.indexOf("?");
      const path = queryAt === -1 ? url : url.slice(0, queryAt);
      if (path === "/healthz") return send(response, 200, "application/json", '{"status":"ok"}');
      if (path === "/readyz") return void ready(sql, () => closing).then(({ status, body }) => send(response, status, "application/json", body));
      if (path === "/metrics") {
        metrics.scrape().then(
          ({ contentType, body }) => send(response, 200, contentType, body),
          (error: unknown) => {
            logger.error("Collecting metrics failed", describeError(error));
            send(response, 503, "text/plain", "Metrics are unavailable: see the gateway's log");
          },
        );
        return;
      }
      if (path === "/graphql") {
        corsFor(request, response)
          .then((answered) => (answered ? undefined : graphql(request, response, queryAt === -1 ? "" : url.slice(queryAt))))
          .catch((error: unknown) => {
            logger.error("HTTP handler failed", { error: String(error) });
            if (!response.headersSent) send(response, 500, "text/plain", "Internal server error");
          });
        return;
      }
      send(response, 404, "text/plain", "Not found: GraphQL is served at /graphql");
    },
  );
  server.keepAliveTimeout = 10_000;
  // Past the cap, a new connection is closed at once.
  server.maxConnections = config.http.maxConnections;
  await listen(server, config.port, config.host);
  const port = (server.address() as AddressInfo).port;
  return {
    graphqlUrl: `http://${config.host}:${port}/graphql`,
    port,
    /**
     * Stops taking requests and lets those in flight finish (a waiting mutation answers within its
     * wait budget), lets the attempts in flight be recorded, then closes Baidu's pool and the store.
     * Whatever is still pending stays in the ledger for the next start.
     */
    async close() {
      const drainMs = config.delivery.waitMs + 1_000;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      closing = true;
      server.closeIdleConnections();
      const cutOff = setTimeout(() => server.closeAllConnections(), drainMs).unref();
      await closed;
      clearTimeout(cutOff);
      await services.stop();
      await apollo.stop();
      if (!given) await store.close();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    // A burst of new connections (a thousand clients at once) outgrows Node's default backlog of 511.
    server.listen({ port, host, backlog: 4096 }, () => resolve());
  });
}

/** Ready: not shutting down, and the store answers within a second. */
async function ready(sql: Sql, closing: () => boolean): Promise<{ status: number; body: string }> {
  if (closing()) return { status: 503, body: '{"status":"stopping"}' };
  const answered = sql.query("select 1").then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
  return (await Promise.race([answered, timeout])) ? { status: 200, body: '{"status":"ready"}' } : { status: 503, body: '{"status":"store unavailable"}' };
}
