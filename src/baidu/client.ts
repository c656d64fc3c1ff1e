import type { Clock } from "../clock";
import { describeError, type Logger } from "../log";
import { decodeEnvelope, decodeToken, type IssuedToken, type ItemResult } from "./decode";
import { BaiduError, mayHaveExecuted } from "./errors";
import { ENDPOINTS, TOKEN_GRANT_TYPE, TOKEN_PATH, TOKEN_SCOPE, type EndpointName } from "./endpoints";
import { OrderLock } from "./order-lock";
import { backoffMs, decide, type Decision, type RetryOptions } from "./retry";
import { TokenCache } from "./token";
import { createTransport, type Transport, type TransportOptions } from "./transport";
import type { WireBody } from "./wire";

/** A Baidu mini program the gateway writes for. `appSecret` never leaves this client. */
export interface BaiduApp {
  appKey: string;
  appSecret: string;
  /** Payment-service app key, sent as `pm_app_key`. */
  pmAppKey: string;
}

/** Who the orders belong to and which cashier payment they came from (the query string). */
export interface CallTarget {
  appKey: string;
  openId?: string | undefined;
  swanId?: string | undefined;
  sceneId?: string | undefined;
  sceneType?: number | undefined;
}

/** What would go over the wire, minus the access token. */
export interface RequestPreview {
  method: "POST";
  path: string;
  query: Array<[string, string]>;
  body: WireBody;
}

export interface BaiduClientOptions {
  baseUrl: string;
  apps: readonly BaiduApp[];
  transport: TransportOptions;
  retry: RetryOptions;
  clock: Clock;
  logger: Logger;
}

/** The one call path to Baidu: token, query string, JSON body, retries, decoding. */
export class BaiduClient {
  private readonly apps: ReadonlyMap<string, BaiduApp>;
  private readonly transport: Transport;
  private readonly tokens: TokenCache;
  private readonly lock = new OrderLock();

  constructor(private readonly options: BaiduClientOptions) {
    this.apps = new Map(options.apps.map((app) => [app.appKey, app]));
    this.transport = createTransport(options.transport);
    this.tokens = new TokenCache((appKey) => this.fetchToken(appKey), options.clock);
  }

  preview(endpoint: EndpointName, target: CallTarget, body: WireBody): RequestPreview {
    return { method: "POST", path: ENDPOINTS[endpoint].path, query: this.query(target), body };
  }

  /** Sends one write; writes to the same order wait for each other. */
  call(endpoint: EndpointName, target: CallTarget, body: WireBody): Promise<ItemResult[]> {
    const keys = body.Data.map((item) => `${target.appKey}/${item.ResourceID}`);
    return this.lock.run(keys, () => this.callWithRetries(endpoint, target, body));
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async callWithRetries(endpoint: EndpointName, target: CallTarget, body: WireBody): Promise<ItemResult[]> {
    const { replaySafe, path } = ENDPOINTS[endpoint];
    const query = this.query(target);
    let tokenRefreshed = false;
    // The last attempt Baidu may have executed: what the caller hears about if a later token fetch
    // fails (that failure says nothing about the write), and what marks any later error as unknown.
    let mayHaveRun: BaiduError | undefined;
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.get(target.appKey).catch((error: unknown) => {
        if (!mayHaveRun) throw error;
        this.options.logger.warn("Token fetch failed after an attempt Baidu may have executed", { endpoint, ...describeError(error) });
        throw mayHaveRun;
      });
      try {
        const searchParams = new URLSearchParams([["access_token", token], ...query]);
        const response = await this.transport.send({ method: "POST", url: this.options.baseUrl + path, searchParams, json: body });
        return decodeEnvelope(response);
      } catch (error) {
        if (error instanceof BaiduError) {
          if (mayHaveExecuted(error)) mayHaveRun = error;
          error.sent = true;
          error.outcomeUnknown = mayHaveRun !== undefined;
        }
        const decision = decide(error, { replaySafe, tokenRefreshed });
        if (decision === "refresh-token") {
          this.options.logger.warn("Baidu rejected the access token; fetching a new one and replaying once", { endpoint, appKey: target.appKey });
          this.tokens.invalidate(target.appKey, token);
          tokenRefreshed = true;
          attempt--;
          continue;
        }
        await this.pauseOrThrow(decision, attempt, error, endpoint);
      }
    }
  }

  private async fetchToken(appKey: string): Promise<IssuedToken> {
    const app = this.app(appKey);
    const searchParams = new URLSearchParams([
      ["grant_type", TOKEN_GRANT_TYPE],
      ["client_id", app.appKey],
      ["client_secret", app.appSecret],
      ["scope", TOKEN_SCOPE],
    ]);
    for (let attempt = 1; ; attempt++) {
      try {
        return decodeToken(await this.transport.send({ method: "GET", url: this.options.baseUrl + TOKEN_PATH, searchParams }));
      } catch (error) {
        await this.pauseOrThrow(decide(error, { replaySafe: true, tokenRefreshed: true }), attempt, error, "token");
      }
    }
  }

  private async pauseOrThrow(decision: Decision, attempt: number, error: unknown, endpoint: string): Promise<void> {
    const { retry, clock, logger } = this.options;
    if (decision !== "retry" || attempt >= retry.maxAttempts) throw error;
    const delayMs = backoffMs(attempt, retry, clock.random());
    logger.warn("Baidu call failed; retrying", { endpoint, attempt, delayMs, ...describeError(error) });
    await clock.sleep(delayMs);
  }

  /** The query string without the token, in the order Baidu's SDKs build it. */
  private query(target: CallTarget): Array<[string, string]> {
    const app = this.app(target.appKey);
    const query: Array<[string, string]> = [];
    if (target.openId !== undefined) query.push(["open_id", target.openId]);
    if (target.swanId !== undefined) query.push(["swan_id", target.swanId]);
    if (target.sceneId !== undefined) query.push(["scene_id", target.sceneId]);
    query.push(["scene_type", String(target.sceneType ?? 2)]);
    query.push(["pm_app_key", app.pmAppKey]);
    return query;
  }

  private app(appKey: string): BaiduApp {
    const app = this.apps.get(appKey);
    if (!app) throw new Error(`No Baidu app is configured with app key ${appKey}`);
    return app;
  }
}
