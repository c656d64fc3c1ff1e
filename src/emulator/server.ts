import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestListener, type EmulatorState } from "./dispatch";
import { FaultScript } from "./faults";
import { RequestLog, type RecordedRequest } from "./request-log";
import { pathOf, type EmulatorRoute } from "./routes";
import { OrderStore } from "./store";
import { TokenRegistry } from "./tokens";

export type { EmulatorRoute } from "./routes";
export type { RecordedRequest } from "./request-log";
export type { Fault, FaultAction, FaultRoute, FaultScript } from "./faults";
export type { OrderStore, StoredOrder } from "./store";

export interface EmulatorApp {
  appKey: string;
  appSecret: string;
}

export interface EmulatorOptions {
  /** The apps whose credentials the token endpoint accepts. */
  apps: EmulatorApp[];
  /**
   * `expires_in` of issued tokens. Default 2592000 (30 days), Baidu's current doc example (contract
   * §4).
   */
  tokenLifetimeSeconds?: number;
  /** Clock in milliseconds, for token expiry. Default `Date.now`. */
  now?: () => number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** How many requests the log keeps, newest last. Default 10000. */
  requestLogLimit?: number;
  /**
   * The one shape of E7's `EXT.MainOrder.Express` to accept, the other answered with errno 40001;
   * default both, since nothing says which Baidu's server takes (contract §6.13). Tests set it to
   * prove which shape the gateway sends.
   */
  expressShape?: "object" | "array";
}

/** A running fake of `openapi.baidu.com`. */
export interface Emulator {
  /** Base URL, e.g. "http://127.0.0.1:40123". */
  readonly url: string;
  /**
   * Every request to a Baidu route (token requests included), in arrival order; control routes are
   * not logged.
   */
  readonly requests: readonly RecordedRequest[];
  requestsTo(route: EmulatorRoute): RecordedRequest[];
  clearRequests(): void;
  readonly faults: FaultScript;
  readonly store: OrderStore;
  /** Every token issued so far answers `error_code` 111 from now on. */
  expireAllTokens(): void;
  /** Every token issued so far answers `error_code` 110 from now on. */
  revokeAllTokens(): void;
  /** Closes the server and every open socket, including hanging and keep-alive ones. */
  close(): Promise<void>;
}

const DEFAULT_TOKEN_LIFETIME_SECONDS = 2_592_000;
const DEFAULT_REQUEST_LOG_LIMIT = 10_000;
/**
 * Long enough for a benchmark's client to reuse sockets, short enough not to hold a stopping
 * process.
 */
const KEEP_ALIVE_MS = 5_000;

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const lifetime = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const logLimit = options.requestLogLimit ?? DEFAULT_REQUEST_LOG_LIMIT;
  if (!Number.isInteger(lifetime) || lifetime <= 0)
    throw new RangeError("tokenLifetimeSeconds must be a positive integer");
  if (!Number.isInteger(logLimit) || logLimit < 0)
    throw new RangeError("requestLogLimit must be a non-negative integer");

  const state: EmulatorState = {
    apps: options.apps.map(({ appKey, appSecret }) => ({ appKey, appSecret })),
    rules: options.expressShape ? { expressShape: options.expressShape } : {},
    tokens: new TokenRegistry(lifetime, options.now ?? Date.now),
    store: new OrderStore(),
    faults: new FaultScript(),
    log: new RequestLog(logLimit),
    timers: new Set(),
  };
  const server = createServer(createRequestListener(state));
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      for (const timer of state.timers) clearTimeout(timer);
      state.timers.clear();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url: `http://${host}:${address.port}`,
    get requests() {
      return state.log.list();
    },
    requestsTo: (route) => state.log.list().filter((request) => request.path === pathOf(route)),
    clearRequests: () => state.log.clear(),
    faults: state.faults,
    store: state.store,
    expireAllTokens: () => state.tokens.expireAll(),
    revokeAllTokens: () => state.tokens.revokeAll(),
    close,
  };
}
