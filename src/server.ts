import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { ApiKeys } from "./auth";
import { BaiduClient } from "./baidu/client";
import { systemClock, type Clock } from "./clock";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import { DeliveryService } from "./delivery/service";
import { DeliveryWorker } from "./delivery/worker";
import { createFormatError, unauthenticated } from "./errors";
import { createGraphQLHandler, send } from "./http";
import type { Logger } from "./log";
import { createSchema } from "./schema";
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
}

/** Starts the gateway: GraphQL on `/graphql` (Apollo's landing page for browsers in development), `GET /healthz`. */
export async function startGateway({ config, logger, clock = systemClock, sql: given }: GatewayOptions): Promise<Gateway> {
  const development = config.mode === "development";
  const sql = given ?? (await openStore(config.store));
  const baidu = new BaiduClient({
    baseUrl: config.baidu.baseUrl,
    apps: config.apps,
    transport: { timeoutMs: config.baidu.timeoutMs, connections: config.baidu.connections },
    clock,
    logger,
  });
  const worker = new DeliveryWorker(sql, baidu, config.delivery, clock, logger);
  const deliveries = new DeliveryService(sql, worker, config.delivery, clock);
  const apiKeys = new ApiKeys(config.apiKeys);
  const apps = new Map(config.apps.map((app) => [app.appKey, app]));
  const apollo = new ApolloServer<GatewayContext>({
    schema: await createSchema(),
    formatError: createFormatError({ logger, development }),
    includeStacktraceInErrorResponses: development,
    introspection: development,
    hideSchemaDetailsFromClientErrors: !development,
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
    plugins: [development ? ApolloServerPluginLandingPageLocalDefault({ footer: false }) : ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  await worker.start();
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
  const server = createServer((request, response) => {
    const url = request.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path === "/healthz") return send(response, 200, "application/json", '{"status":"ok"}');
    if (path === "/graphql") {
      graphql(request, response, queryAt === -1 ? "" : url.slice(queryAt)).catch((error: unknown) => {
        logger.error("HTTP handler failed", { error: String(error) });
        if (!response.headersSent) send(response, 500, "text/plain", "Internal server error");
      });
      return;
    }
    send(response, 404, "text/plain", "Not found: GraphQL is served at /graphql");
  });
  server.keepAliveTimeout = 10_000;
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
      await worker.stop();
      await apollo.stop();
      await baidu.close();
      if (!given) await sql.close();
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
