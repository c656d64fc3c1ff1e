import type { Clock } from "../clock";
import type { Logger } from "../log";
import { decodeEnvelope, decodeToken, type IssuedToken, type ItemResult } from "./decode";
import { ENDPOINTS, TOKEN_GRANT_TYPE, TOKEN_PATH, TOKEN_SCOPE, type EndpointName } from "./endpoints";
import { isTokenRejected, toBaiduError } from "./errors";
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
}

/** The one call path to Baidu: token, query string, JSON body, decoding. Retries are the delivery worker's. */
export class BaiduClient {
  private readonly apps: ReadonlyMap<string, BaiduApp>;
  private readonly transport: Transport;
  private readonly tokens: TokenCache;

  constructor(private readonly options: BaiduClientOptions) {
    this.apps = new Map(options.apps.map((app) => [app.appKey, app]));
    this.transport = createTransport(options.transport);
    this.tokens = new TokenCache((appKey) => this.fetchToken(appKey), options.clock);
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
   * the attempt. Throws a `BaiduError` whose `verdict` says what the failure means.
   */
  async send(request: WireRequest): Promise<Delivered> {
    const url = this.options.baseUrl + ENDPOINTS[request.endpoint].path;
    let token = await this.tokens.get(request.appKey);
    for (let replayed = false; ; replayed = true) {
      const searchParams = new URLSearchParams([["access_token", token], ...(request.query as Array<[string, string]>)]);
      const outcome = await this.transport.send({ method: "POST", url, searchParams, payload: request.body });
      const decoded = outcome.failure ? outcome : decodeEnvelope(outcome.response);
      if (!decoded.failure) return decoded;
      if (replayed || !isTokenRejected(decoded.failure)) throw toBaiduError(decoded.failure, "write");
      this.options.logger.warn("Baidu rejected the access token; fetching a new one and replaying once", {
        endpoint: request.endpoint,
        appKey: request.appKey,
      });
      this.tokens.invalidate(request.appKey, token);
      token = await this.tokens.get(request.appKey);
    }
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
    const outcome = await this.transport.send({ method: "GET", url: this.options.baseUrl + TOKEN_PATH, searchParams });
    const decoded = outcome.failure ? outcome : decodeToken(outcome.response);
    if ("failure" in decoded) throw toBaiduError(decoded.failure, "token");
    return decoded;
  }

  private app(appKey: string): BaiduApp {
    const app = this.apps.get(appKey);
    if (!app) throw new Error(`No Baidu app is configured with app key ${appKey}`);
    return app;
  }
}
