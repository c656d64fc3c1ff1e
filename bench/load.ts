import autocannon from "autocannon";
import { noFailures, type Sample } from "./measure";

/** One GraphQL request the gateway is loaded with, and what a good answer contains. */
export interface GraphQLLoad {
  /** The gateway's origin, e.g. http://127.0.0.1:40123 */
  origin: string;
  /**
   * Several gateways (replicas) to spread the connections over instead, round-robin: connection i
   * talks to `origins[i % length]` for the whole run, as a load balancer with keep-alive would.
   */
  origins?: readonly string[];
  /** Sent as `authorization: Bearer …`; empty: no authorization header (the anchor has no auth). */
  apiKey: string;
  /** The JSON request body: `{ query, variables }`. */
  body: string;
  /**
   * Bodies to send instead of `body`, in turn across every connection (request n sends
   * `bodies[n % length]`), e.g. one per order so that concurrent requests write distinct orders.
   */
  bodies?: readonly string[];
  /** A text every good answer contains, e.g. `"allApplied":true`. */
  expect: string;
}

export type Amount = ({ durationS: number } | { amount: number }) & {
  /** autocannon's per-request timeout, 10 s unless given. */
  timeoutS?: number;
};

/**
 * Drives the gateway with autocannon (one request in flight per connection). Latencies come from
 * autocannon's `response` event, which has sub-millisecond times; its result histogram rounds to
 * whole milliseconds, too coarse for the 2 ms p50 target.
 */
export async function hammer(
  load: GraphQLLoad,
  connections: number,
  amount: Amount,
): Promise<Sample> {
  const failures = noFailures();
  const latenciesMs: number[] = [];
  const start = performance.now();
  const bodies = load.bodies;
  let sent = 0;
  // autocannon rebuilds a request before each send when it has setupRequest; `sent` is shared by
  // every connection.
  const rotate =
    bodies && bodies.length > 0
      ? {
          setupRequest: (request: autocannon.Request) => ({
            ...request,
            body: bodies[sent++ % bodies.length]!,
          }),
        }
      : {};
  const instance = autocannon({
    url: load.origins && load.origins.length > 0 ? [...load.origins] : load.origin,
    connections,
    ...("amount" in amount ? { amount: amount.amount } : { duration: amount.durationS }),
    ...(amount.timeoutS !== undefined && { timeout: amount.timeoutS }),
    requests: [
      {
        method: "POST",
        path: "/graphql",
        headers: {
          "content-type": "application/json",
          ...(load.apiKey && { authorization: `Bearer ${load.apiKey}` }),
        },
        body: load.body,
        ...rotate,
        onResponse: (status, body) => {
          // Non-2xx are counted by autocannon; a 2xx with `errors` or without the expected data is
          // ours.
          if (
            status >= 200 &&
            status < 300 &&
            (body.includes('"errors"') || !body.includes(load.expect))
          )
            failures.body += 1;
        },
      },
    ],
  });
  instance.on("response", (_client, _status, _bytes, ms) => latenciesMs.push(ms));
  const result = await instance;
  failures.non2xx = result.non2xx;
  failures.network = result.errors;
  return {
    requests: latenciesMs.length,
    elapsedS: (performance.now() - start) / 1000,
    latenciesMs,
    failures,
  };
}
