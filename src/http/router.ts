import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { GatewayConfig } from "../config/types";
import { describeError, type Logger } from "../ops/log";
import type { GatewayMetrics } from "../ops/metrics";
import { createCors } from "./cors";
import { send } from "./graphql-handler";

export interface RouterOptions {
  config: GatewayConfig;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Serves `/graphql`; `search` is the query string with its `?`, or empty. */
  graphql: (request: IncomingMessage, response: ServerResponse, search: string) => Promise<void>;
  ready: () => Promise<{ status: number; body: string }>;
}

/**
 * The gateway's HTTP routes: `/graphql` (behind CORS), `GET /healthz` (alive), `GET /readyz`
 * (ready for traffic), `GET /metrics` (Prometheus). Anything else is a 404 that says where to go.
 */
export function createRouter({
  config,
  logger,
  metrics,
  graphql,
  ready,
}: RouterOptions): RequestListener {
  const corsFor = createCors(config.http.corsOrigins);
  const failed = (what: string, response: ServerResponse) => (error: unknown) => {
    logger.error(what, describeError(error));
    if (!response.headersSent) send(response, 500, "text/plain", "Internal server error");
  };
  return (request, response) => {
    const url = request.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path === "/healthz") return send(response, 200, "application/json", '{"status":"ok"}');
    if (path === "/readyz") {
      ready().then(
        ({ status, body }) => send(response, status, "application/json", body),
        failed("Readiness check failed", response),
      );
      return;
    }
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
        .then((answered) =>
          answered
            ? undefined
            : graphql(request, response, queryAt === -1 ? "" : url.slice(queryAt)),
        )
        .catch(failed("HTTP handler failed", response));
      return;
    }
    send(response, 404, "text/plain", "Not found: GraphQL is served at /graphql");
  };
}
