import ky, { TimeoutError, type Options } from "ky";
import { toBaiduError } from "./errors";
import { createPooledFetch } from "./undici-fetch";

/** The only file that imports ky: the seam between the Baidu client and HTTP. */
export interface TransportRequest {
  method: "GET" | "POST";
  url: string;
  searchParams: URLSearchParams;
  json?: unknown;
}

export interface TransportResponse {
  status: number;
  text: string;
}

export interface Transport {
  /** Resolves with any HTTP answer; rejects only with a Baidu network or timeout error. */
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}

export interface TransportOptions {
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** `pooled`: undici keep-alive pool (default); `builtin`: Node's global fetch (also keep-alive). */
  kind: "pooled" | "builtin";
  connections: number;
}

export function createTransport(options: TransportOptions): Transport {
  const pool = options.kind === "pooled" ? createPooledFetch({ connections: options.connections, keepAliveTimeoutMs: 10_000 }) : undefined;
  const http = ky.create({
    retry: 0,
    throwHttpErrors: false,
    timeout: options.timeoutMs,
    ...(pool ? { fetch: pool.fetch } : {}),
  });
  /** The pooled fetch takes the JSON text as a fetch option (see undici-fetch.ts); Node's fetch takes ky's `json`. */
  const body = (json: unknown): Options | { payload: string } => (pool ? { payload: JSON.stringify(json) } : { json });
  return {
    async send(request) {
      try {
        const response = await http(request.url, {
          method: request.method,
          searchParams: request.searchParams,
          ...(request.json === undefined ? {} : (body(request.json) as Options)),
        });
        return { status: response.status, text: pool?.textOf(response) ?? (await response.text()) };
      } catch (error) {
        if (error instanceof TimeoutError) throw toBaiduError({ layer: "timeout", timeoutMs: options.timeoutMs });
        throw toBaiduError({ layer: "network", code: networkCode(error) });
      }
    },
    close: async () => {
      await pool?.close();
    },
  };
}

/** Node's fetch wraps the socket error in `cause`; undici's request puts the code on the error itself. */
function networkCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  const code = typeof own === "string" ? own : cause;
  return typeof code === "string" ? code : undefined;
}
