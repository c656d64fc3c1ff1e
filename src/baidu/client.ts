import type { Clock } from "../lib/clock";
import { describeError, type Logger } from "../ops/log";
import { decodeEnvelope, decodeToken, type IssuedToken, type ItemResult } from "./decode";
import {
  ENDPOINTS,
  TOKEN_GRANT_TYPE,
  TOKEN_PATH,
  TOKEN_SCOPE,
  type EndpointName,
} from "./endpoints";
import type { Budget } from "./budget";
import { isLoadRejected, isTokenRejected, toBaiduError } from "./errors";
import { TokenCache, type TokenStore } from "./token";
import { secretSeal } from "./token-seal";
import { createTransport, type Transport, type TransportOptions } from "./transport";
import type { WireBody } from "./wire";

/** A Baidu mini program the gateway writes for. `appSecret` never leaves this client. */
export interface BaiduApp {
  appKey: string;
  appSecret: string;
  /** Payment-service app key, sent as `pm_app_key`. */
  pmAppKey: string;
  /**
   * The app's configured name, for log lines that must name the app (its credentials were refused).
   */
  name?: string;
}

/** Who the orders belong to and which cashier payment they came from (the query string). */
export interface CallTarget {
  appKey: string;
  openId?: string | undefined;
  swanId?: string | undefined;
  sceneId?: string | undefined;
  sceneType?: number | undefined;
}

/** What goes over the wire, minus the access token. */
export interface RequestPreview {
  method: "POST";
  path: string;
  query: Array<[string, string]>;
  body: WireBody;
}

/** A write as the ledger keeps it: the query string without the token and the exact JSON text. */
export interface WireRequest {
  endpoint: EndpointName;
  appKey: string;
  query: ReadonlyArray<readonly [string, string]>;
  body: string;
}

/** Baidu's answer to a write that it accepted. */
export interface Delivered {
  results: ItemResult[];
  requestId: string | undefined;
}

export interface BaiduClientOptions {
  baseUrl: string;
  apps: readonly BaiduApp[];
  transport: TransportOptions;
  clock: Clock;
  logger: Logger;
  /** Where the processes of the deployment share each app's token (default: this process only). */
  tokens?: TokenStore;
  /** The calls-per-second budget and the slow-down after load refusals; none: no limit. */
  budget?: Budget;
  /** Called for each token request this process sent, once answered, for metrics. */
  onTokenFetch?: (appKey: string, outcome: "issued" | "failed") => void;
}

/** What the caller of `send` wants done around the requests. */
export interface SendOptions {
  /** No budget room before this time (ms): throw BudgetExhausted instead of sending. */
  admitBy?: number;
  /** Called once, right before the write's first request leaves. */
  beforeSending?: () => Promise<void>;
}

/**
 * The one call path to Baidu: token, query string, JSON body, decoding. Retries are the delivery
 * worker's.
 */
export class BaiduClient {
  private readonly apps: ReadonlyMap<string, BaiduApp>;
  private readonly transport: Transport;
  private readonly tokens: TokenCache;

  constructor(private readonly options: BaiduClientOptions) {
    this.apps = new Map(options.apps.map((app) => [app.appKey, app]));
    this.transport = createTransport(options.transport);
    this.tokens = new TokenCache(
      (appKey) => this.fetchToken(appKey),
      options.clock,
      options.tokens,
      secretSeal(options.apps),
    );
  }

  /**
   * The longest one `send` can take once admitted:
   * four requests (token, write, token again, replay).
   */
  get attemptBoundMs(): number {
    return 4 * this.options.transport.timeoutMs;
  }

  /** The request a write becomes: the query string in the order Baidu's SDKs build it. */
  preview(endpoint: EndpointName, target: CallTarget, body: WireBody): RequestPreview {
    const app = this.app(target.appKey);
    const query: Array<[string, string]> = [];
    if (target.openId !== undefined) query.push(["open_id", target.openId]);
    if (target.swanId !== undefined) query.push(["swan_id", target.swanId]);
    if (target.sceneId !== undefined) query.push(["scene_id", target.sceneId]);
    query.push(["scene_type", String(target.sceneType ?? 2)]);
    query.push(["pm_app_key", app.pmAppKey]);
    return { method: "POST", path: ENDPOINTS[endpoint].path, query, body };
  }

  /**
   * One attempt of a write. A rejected access token is replaced and the write replayed once, inside
   * the attempt. Throws a `BaiduError` whose `verdict` says what the failure means, or
   * `BudgetExhausted` when nothing was sent for want of budget.
   */
  async send(request: WireRequest, options: SendOptions = {}): Promise<Delivered> {
    const url = this.options.baseUrl + ENDPOINTS[request.endpoint].path;
    let token = await this.tokens.get(request.appKey);
    for (let replayed = false; ; replayed = true) {
      await this.options.budget?.acquire(request.appKey, options.admitBy ?? Infinity);
      if (!replayed) await options.beforeSending?.();
      const searchParams = new URLSearchParams([
        ["access_token", token],
        ...(request.query as Array<[string, string]>),
      ]);
      const outcome = await this.transport.send({
        method: "POST",
        url,
        searchParams,
        payload: request.body,
      });
      const decoded = outcome.failure ? outcome : decodeEnvelope(outcome.response);
      if (!decoded.failure) return decoded;
      if (isLoadRejected(decoded.failure)) this.slowDown(request.appKey);
      if (replayed || !isTokenRejected(decoded.failure))
        throw toBaiduError(decoded.failure, "write", this.apps.get(request.appKey));
      this.options.logger.warn(
        "Baidu rejected the access token; fetching a new one and replaying once",
        {
          endpoint: request.endpoint,
          appKey: request.appKey,
        },
      );
      this.tokens.invalidate(request.appKey, token);
      token = await this.tokens.get(request.appKey);
    }
  }

  /**
   * Every process slows down for the app; a failure to tell them is logged, and the write goes on
   * as it would.
   */
  private slowDown(appKey: string): void {
    this.options.budget?.signal(appKey).catch((error: unknown) => {
      this.options.logger.error("Recording Baidu's load refusal for the other processes failed", {
        appKey,
        ...describeError(error),
      });
    });
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async fetchToken(appKey: string): Promise<IssuedToken> {
    const app = this.app(appKey);
    const searchParams = new URLSearchParams([
      ["grant_type", TOKEN_GRANT_TYPE],
      ["client_id", app.appKey],
      ["client_secret", app.appSecret],
      ["scope", TOKEN_SCOPE],
    ]);
    const outcome = await this.transport.send({
      method: "GET",
      url: this.options.baseUrl + TOKEN_PATH,
      searchParams,
    });
    const decoded = outcome.failure ? outcome : decodeToken(outcome.response);
    this.options.onTokenFetch?.(appKey, "failure" in decoded ? "failed" : "issued");
    if ("failure" in decoded) throw toBaiduError(decoded.failure, "token", app);
    return decoded;
  }

  private app(appKey: string): BaiduApp {
    const app = this.apps.get(appKey);
    if (!app) throw new Error(`No Baidu app is configured with app key ${appKey}`);
    return app;
  }
}
