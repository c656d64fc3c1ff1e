/**
 * The part of autocannon 8's API the benchmark uses (autocannon ships no types, and adding
 * @types/autocannon would be a second package to keep in step). Shapes follow
 * node_modules/autocannon/README.md, "API" and "Results".
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /**
       * Called before each request is sent, with this request's settings; returns the request to
       * send (e.g. with another `body`).
       */
      setupRequest?: (request: Request) => Request;
      /** Called for every response with its status and whole body. */
      onResponse?: (status: number, body: string) => void;
    }

    interface Options {
      /** Several: connection i talks to `url[i % length]`. */
      url: string | string[];
      connections?: number;
      /** Seconds; ignored when `amount` is set. */
      duration?: number;
      /** Total requests, divided among the connections. */
      amount?: number;
      /** Per-request timeout in seconds (default 10). */
      timeout?: number;
      requests?: Request[];
    }

    interface Result {
      errors: number;
      timeouts: number;
      non2xx: number;
      "2xx": number;
      /** Seconds, rounded to 10 ms. */
      duration: number;
    }

    /** An EventEmitter that is also a promise of the result when no callback is given. */
    interface Instance extends EventEmitter, PromiseLike<Result> {
      /**
       * `response` passes (client, statusCode, resBytes, responseTimeMs) with sub-millisecond
       * times.
       */
      on(
        event: "response",
        listener: (client: unknown, status: number, bytes: number, ms: number) => void,
      ): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
