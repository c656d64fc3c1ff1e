import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { GatewayConfig } from "../config/types";
import { ErrorCode } from "../graphql/errors";
import { describeError, type Logger } from "../ops/log";
import type { GatewayMetrics } from "../ops/metrics";
import { inRequest, requestIdFrom, type RequestScope } from "../ops/request-scope";
import { createCors } from "./cors";
import { ClientClosedError, send } from "./graphql-handler";

/** What serves GraphQL and metrics, once the gateway has started. */
export interface StartedParts {
  /** Serves `/graphql`; `search` is the query string with its `?`, or empty. */
  graphql: (request: IncomingMessage, response: ServerResponse, search: string) => Promise<void>;
  metrics: GatewayMetrics;
}

export interface RouterOptions {
  config: GatewayConfig;
  logger: Logger;
  /** Undefined while the gateway is starting. */
  started: () => StartedParts | undefined;
  ready: () => Promise<{ status: number; body: string }>;
}

/** What /graphql answers while the store opens and migrates. */
const STARTING = JSON.stringify({
  errors: [
    { message: "The gateway is starting", extensions: { code: ErrorCode.GATEWAY_STARTING } },
  ],
});

/**
 * The gateway's HTTP routes: `/graphql` (behind CORS), `GET /healthz` (alive), `GET /readyz`
 * (ready for traffic), `GET /metrics` (Prometheus). Anything else is a 404 that says where to go.
 * Every answer carries `x-request-id`, the client's own or a new one, which every log line written
 * while serving it also carries.
 */
export function createRouter(options: RouterOptions): RequestListener {
  const { config, logger, ready } = options;
  const corsFor = createCors(config.http.corsOrigins);
  const failed = (what: string, response: ServerResponse) => (error: unknown) => {
    logger.error(what, describeError(error));
    if (!response.headersSent) send(response, 500, "text/plain", "Internal server error");
  };
  const graphql = async (
    { graphql: serve, metrics }: StartedParts,
    request: IncomingMessage,
    response: ServerResponse,
    search: string,
  ) => {
    const scope = requestScopeOf(request, response);
    const started = performance.now();
    await inRequest(scope, async () => {
      if (await corsFor(request, response)) return;
      let status: number | null = null;
      try {
        await serve(request, response, search);
        status = response.statusCode;
      } catch (error) {
        // Nobody is left to answer, and nothing went wrong on our side: its line says so.
        if (!(error instanceof ClientClosedError)) {
          status = response.statusCode;
          throw error;
        }
        scope.code = CLIENT_CLOSED;
      } finally {
        logOperation(logger, metrics, scope, status, performance.now() - started);
      }
    });
  };
  return (request, response) => {
    const url = request.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const started = options.started();
    if (path === "/graphql" && started) {
      graphql(started, request, response, queryAt === -1 ? "" : url.slice(queryAt)).catch(
        failed("HTTP handler failed", response),
      );
      return;
    }
    response.setHeader("x-request-id", requestIdFrom(request.headers["x-request-id"]));
    if (path === "/graphql") {
      // With CORS headers, so that a page on an allowed origin can read why.
      corsFor(request, response)
        .then((answered) => {
          if (answered) return;
          response.setHeader("retry-after", "1");
          send(response, 503, "application/json", STARTING);
        })
        .catch(failed("HTTP handler failed", response));
      return;
    }
    if (path === "/healthz") return send(response, 200, "application/json", '{"status":"ok"}');
    if (path === "/readyz") {
      ready().then(
        ({ status, body }) => send(response, status, "application/json", body),
        failed("Readiness check failed", response),
      );
      return;
    }
    if (path === "/metrics") {
      if (!started) return send(response, 503, "text/plain", "The gateway is starting");
      started.metrics.scrape().then(
        ({ contentType, body }) => send(response, 200, contentType, body),
        (error: unknown) => {
          logger.error("Collecting metrics failed", describeError(error));
          send(response, 503, "text/plain", "Metrics are unavailable: see the gateway's log");
        },
      );
      return;
    }
    send(response, 404, "text/plain", "Not found: GraphQL is served at /graphql");
  };
}

function requestScopeOf(request: IncomingMessage, response: ServerResponse): RequestScope {
  const scope: RequestScope = { requestId: requestIdFrom(request.headers["x-request-id"]) };
  response.setHeader("x-request-id", scope.requestId);
  return scope;
}

/** The code of a request whose client left before its body arrived (its status is null). */
const CLIENT_CLOSED = "CLIENT_CLOSED";

/**
 * The one line per GraphQL request (a preflight answered by CORS has none), and its count in
 * `operations_total`. A request refused before Apollo saw it (too large, not JSON) counts as
 * "unparsed" with its HTTP status as the code; one whose client left first, as CLIENT_CLOSED.
 */
function logOperation(
  logger: Logger,
  metrics: GatewayMetrics,
  scope: RequestScope,
  status: number | null,
  elapsedMs: number,
): void {
  const operation = scope.operation ?? "unparsed";
  const code = scope.code ?? `HTTP_${status}`;
  metrics.countOperation(operation, code);
  const level = code === "BAIDU_REJECTED" || code === "INTERNAL_SERVER_ERROR" ? "warn" : "info";
  logger[level]("operation", {
    operation,
    ...(scope.operationName !== undefined ? { operationName: scope.operationName } : {}),
    caller: scope.caller ?? null,
    app: scope.app ?? null,
    code,
    status,
    durationMs: Math.round(elapsedMs * 10) / 10,
    ...(scope.deliveryId !== undefined ? { deliveryId: scope.deliveryId } : {}),
    ...(scope.baiduRequestId !== undefined ? { baiduRequestId: scope.baiduRequestId } : {}),
  });
}
