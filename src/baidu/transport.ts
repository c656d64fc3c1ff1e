import ky, { TimeoutError, type Options } from "ky";
import type { RawFailure } from "./errors";
import { createPooledFetch } from "./undici-fetch";

/** The only file that imports ky: the seam between the Baidu client and HTTP. */
export interface TransportRequest {
  method: "GET" | "POST";
  url: string;
  searchParams: URLSearchParams;
  /** JSON text, sent exactly as given. */
  payload?: string;
}

export interface TransportResponse {
  status: number;
  text: string;
}

/** Any HTTP answer, or why none arrived. */
export type TransportOutcome =
  | { response: TransportResponse; failure?: undefined }
  | { response?: undefined; failure: RawFailure };

export interface Transport {
  /** Resolves with any HTTP answer or a network or timeout failure; rejects only on a ky misuse. */
  send(request: TransportRequest): Promise<TransportOutcome>;
  close(): Promise<void>;
}

export interface TransportOptions {
  /** Per attempt, the whole answer included: the pooled fetch reads the body before it resolves. */
  timeoutMs: number;
  /** Keep-alive connections to Baidu. */
  connections: number;
}

export function createTransport(options: TransportOptions): Transport {
  const pool = createPooledFetch({ connections: options.connections, keepAliveTimeoutMs: 10_000 });
  const http = ky.create({
    retry: 0,
    throwHttpErrors: false,
    timeout: options.timeoutMs,
    fetch: pool.fetch,
  });
  return {
    async send(request) {
      let response: Response;
      try {
        response = await http(request.url, {
          method: request.method,
          searchParams: request.searchParams,
          // The JSON text travels as a fetch option (see undici-fetch.ts), not as ky's `json`.
          ...(request.payload === undefined ? {} : ({ payload: request.payload } as Options)),
        });
      } catch (error) {
        if (error instanceof TimeoutError)
          return { failure: { layer: "timeout", timeoutMs: options.timeoutMs } };
        return { failure: { layer: "network", code: networkCode(error) } };
      }
      const text = pool.textOf(response);
      // Only if a ky hook ever replaced the Response: a programming error, not a Baidu failure.
      if (text === undefined)
        throw new Error("ky returned a Response the pooled fetch did not make");
      return { response: { status: response.status, text } };
    },
    close: () => pool.close(),
  };
}

/** undici puts the socket error's code on the error itself, or on its `cause`. */
function networkCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  const code = typeof own === "string" ? own : cause;
  return typeof code === "string" ? code : undefined;
}
