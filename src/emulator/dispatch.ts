import type { IncomingMessage, ServerResponse } from "node:http";
import { GATEWAY_CODE } from "../baidu/wire";
import { handleControl } from "./control-routes";
import type { FaultAction, FaultScript } from "./faults";
import { handleOrderCall } from "./order-route";
import {
  errnoReply,
  gatewayErrorReply,
  jsonReply,
  malformedReply,
  textReply,
  writeReply,
  type Reply,
} from "./reply";
import type { RecordedRequest, RequestLog } from "./request-log";
import { CONTROL_PREFIX, routeOf, type EmulatorRoute } from "./routes";
import type { OrderStore } from "./store";
import { handleTokenCall, type AppCredentials } from "./token-route";
import type { TokenRegistry } from "./tokens";
import type { BodyRules } from "./validate-body";

export interface EmulatorState {
  apps: readonly AppCredentials[];
  rules: BodyRules;
  tokens: TokenRegistry;
  store: OrderStore;
  faults: FaultScript;
  log: RequestLog;
  /** Latency timers still running, cleared on close. */
  timers: Set<NodeJS.Timeout>;
}

interface Incoming {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
  body: unknown;
  contentType: string;
}

/** Reads the whole request, then answers it: control route, scripted fault, or Baidu's answer. */
export function createRequestListener(
  state: EmulatorState,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        onRequest(
          toIncoming(req, chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8")),
          req,
          res,
          state,
        );
      } catch (error) {
        if (!res.headersSent) writeReply(res, textReply(500, `emulator error: ${String(error)}`));
      }
    });
  };
}

function onRequest(
  incoming: Incoming,
  req: IncomingMessage,
  res: ServerResponse,
  state: EmulatorState,
): void {
  const { method, path, query, headers, body } = incoming;
  if (path.startsWith(CONTROL_PREFIX))
    return writeReply(res, handleControl(method, path, body, state));
  const entry: RecordedRequest = { method, path, query, headers, body, receivedAt: Date.now() };
  state.log.push(entry);
  // The log keeps what each request was answered.
  const reply = (answered: Reply): void => {
    entry.status = answered.status;
    writeReply(res, answered);
  };
  const route = routeOf(path);
  if (!route) return reply({ ...gatewayErrorReply(GATEWAY_CODE.unsupportedMethod), status: 404 });
  const answer = (): void => reply(baiduReply(route, incoming, state));
  const fault = state.faults.take(route);
  if (!fault) return answer();
  applyFault(fault, answer, reply, req, state);
}

function applyFault(
  fault: FaultAction,
  answer: () => void,
  reply: (answered: Reply) => void,
  req: IncomingMessage,
  state: EmulatorState,
): void {
  switch (fault.kind) {
    case "latency": {
      const timer = setTimeout(() => {
        state.timers.delete(timer);
        answer();
      }, fault.ms);
      state.timers.add(timer);
      return;
    }
    case "hang":
      // Closing the emulator destroys the socket.
      return;
    case "drop":
      req.socket.destroy();
      return;
    case "http":
      return reply(httpFaultReply(fault.status, fault.body));
    case "errorCode":
      return reply(gatewayErrorReply(fault.code, fault.msg));
    case "errno":
      return reply(errnoReply(fault.errno, fault.msg));
    case "malformed":
      return reply(malformedReply());
  }
}

function httpFaultReply(status: number, body: unknown): Reply {
  if (body === undefined) return textReply(status);
  return typeof body === "string" ? textReply(status, body) : jsonReply(body, status);
}

function baiduReply(route: EmulatorRoute, incoming: Incoming, state: EmulatorState): Reply {
  if (route === "token") return handleTokenCall(incoming, state.apps, state.tokens);
  return handleOrderCall(route, incoming, state.tokens, state.store, state.rules);
}

function toIncoming(req: IncomingMessage, rawBody: string): Incoming {
  const url = req.url ?? "/";
  const mark = url.indexOf("?");
  const path = mark < 0 ? url : url.slice(0, mark);
  const query = mark < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(mark + 1)));
  return {
    method: req.method ?? "GET",
    path,
    query,
    headers: headersOf(req),
    rawBody,
    body: parseBody(rawBody),
    contentType: req.headers["content-type"] ?? "",
  };
}

/** Every header as received, by its lower-case name; a repeated one joined as HTTP joins it. */
function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headersDistinct).map(([name, values]) => [name, (values ?? []).join(", ")]),
  );
}

function parseBody(rawBody: string): unknown {
  if (rawBody === "") return undefined;
  try {
    return JSON.parse(rawBody);
  } catch {
    return rawBody;
  }
}
