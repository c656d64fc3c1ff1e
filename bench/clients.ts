import { Pool } from "undici";
import { noFailures, type Sample } from "./measure";
import { AFTER_SALE_BODY, AFTER_SALE_PATH, AFTER_SALE_QUERY } from "./upstream";

/** How one request ended; anything but "ok" is a failure. */
export type Outcome = "ok" | "non2xx" | "body" | "network";

/** A client that sends the update/sub/info call straight to the emulator, in this process. */
export interface DirectClient {
  send(): Promise<Outcome>;
  close(): Promise<void>;
}

/**
 * The `limit` client: undici's `request` over a keep-alive pool with one connection per in-flight
 * request, the URL and body serialised once. Nothing in Node sends this call for less, so it shows
 * what the upstream stub itself can take.
 */
export function createLimitClient(
  origin: string,
  token: string,
  connections: number,
): DirectClient {
  const pool = new Pool(origin, { connections });
  const path = `${AFTER_SALE_PATH}?${new URLSearchParams([["access_token", token], ...AFTER_SALE_QUERY])}`;
  const body = JSON.stringify(AFTER_SALE_BODY);
  const headers = { "content-type": "application/json" };
  return {
    async send() {
      const answer = await pool.request({ path, method: "POST", headers, body });
      const text = await answer.body.text();
      if (answer.statusCode < 200 || answer.statusCode > 299) return "non2xx";
      // Baidu answers business errors with HTTP 200 and a non-zero errno.
      return text.includes('"errno":0') ? "ok" : "body";
    },
    close: () => pool.close(),
  };
}

/**
 * A closed loop: `concurrency` workers each send, await the answer and send again until the
 * duration is up, as autocannon's connections do against a server.
 */
export async function drive(
  client: DirectClient,
  concurrency: number,
  durationS: number,
): Promise<Sample> {
  const latenciesMs: number[] = [];
  const failures = noFailures();
  const start = performance.now();
  const deadline = start + durationS * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      const outcome = await client.send().catch((): Outcome => "network");
      latenciesMs.push(performance.now() - sent);
      if (outcome !== "ok") failures[outcome] += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    requests: latenciesMs.length,
    elapsedS: (performance.now() - start) / 1000,
    latenciesMs,
    failures,
  };
}
