import { Pool } from "undici";
import { EXAMPLE_REQUEST } from "../src/dev/example";
import type { GraphQLLoad } from "./load";
import { noFailures, type Measurement, type Sample } from "./measure";
import type { Row, Settings } from "./scenarios";
import { exampleFor, type Server } from "./stack";
import type { ScratchDir } from "./store";
import { MANY_ORDER_IDS } from "./upstream";

/** What the gateway rows share with the rest of the table. */
export interface DurableContext {
  emulator: Server;
  apiKey: string;
  scratch: ScratchDir;
  settings: Settings;
  add: (row: Row) => void;
}

export type Mode = "WAIT" | "QUEUE";

/** The example's order (seeded by `seedOrder`): every request writes the same order. */
const ONE_ORDER = EXAMPLE_REQUEST.variables.input.resourceId;

/** The example mutation in QUEUE mode, also asking for its delivery (the id says it committed). */
const QUEUE_QUERY = EXAMPLE_REQUEST.query.replace("allApplied", "allApplied delivery { id state }");

/**
 * One write of `resourceId`: in WAIT mode (the default) the doc example itself, byte for byte the
 * anchor's request; in QUEUE mode the same input with `deliveryMode: QUEUE`.
 */
export function writeBody(resourceId: string, mode: Mode): string {
  if (mode === "WAIT") return exampleFor(resourceId);
  return JSON.stringify({
    query: QUEUE_QUERY,
    variables: { input: { ...EXAMPLE_REQUEST.variables.input, resourceId, deliveryMode: mode } },
  });
}

/**
 * A WAIT answer is good once Baidu applied it; a QUEUE answer once the write is committed (its
 * delivery has an id).
 */
export const EXPECT: Record<Mode, string> = {
  WAIT: '"allApplied":true',
  QUEUE: '"delivery":{"id":',
};

/**
 * The gateway rows' load (`many`: request n writes order n mod 1,000); given several gateways
 * (replicas), the connections are spread over them round-robin.
 */
export function writeLoad(
  gateways: Server | readonly Server[],
  apiKey: string,
  mode: Mode,
  orders: "one" | "many",
): GraphQLLoad {
  const all = Array.isArray(gateways) ? gateways : [gateways as Server];
  const bodies = orders === "one" ? undefined : MANY_ORDER_IDS.map((id) => writeBody(id, mode));
  const origins = all.length > 1 ? { origins: all.map((gateway) => gateway.origin) } : {};
  return {
    origin: all[0]!.origin,
    apiKey,
    body: writeBody(ONE_ORDER, mode),
    ...origins,
    ...(bodies && { bodies }),
    expect: EXPECT[mode],
  };
}

/**
 * Sends every body once, `concurrency` at a time, closed loop; each answer must contain `expect`.
 */
export async function sendEach(
  gateway: Server,
  apiKey: string,
  bodies: readonly string[],
  concurrency: number,
  expect: string,
): Promise<Sample> {
  const pool = new Pool(gateway.origin, { connections: concurrency });
  const failures = noFailures();
  const latenciesMs: number[] = [];
  const headers = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const sent = performance.now();
      try {
        const answer = await pool.request({ path: "/graphql", method: "POST", headers, body });
        const text = await answer.body.text();
        if (answer.statusCode < 200 || answer.statusCode > 299) failures.non2xx += 1;
        else if (text.includes('"errors"') || !text.includes(expect)) failures.body += 1;
      } catch {
        failures.network += 1;
      }
      latenciesMs.push(performance.now() - sent);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
  return {
    requests: latenciesMs.length,
    elapsedS: (performance.now() - start) / 1000,
    latenciesMs,
    failures,
  };
}

async function graphql<T>(
  gateway: Server,
  apiKey: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${gateway.origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || answer.errors || !answer.data)
    throw new Error(
      `The gateway answered a ledger query with HTTP ${response.status}: ${JSON.stringify(answer)}`,
    );
  return answer.data;
}

const IN_FLIGHT = `{
  pending: deliveries(first: 1, filter: { state: PENDING }) { edges { cursor } }
  sending: deliveries(first: 1, filter: { state: SENDING }) { edges { cursor } }
}`;

type Edges = { edges: unknown[] };

/**
 * Polls every 100 ms until no delivery is PENDING or SENDING; undefined if that takes longer than
 * `limitMs`.
 */
export async function drain(
  gateway: Server,
  apiKey: string,
  limitMs: number,
): Promise<{ drainedMs: number | undefined }> {
  const start = performance.now();
  for (;;) {
    const { pending, sending } = await graphql<{ pending: Edges; sending: Edges }>(
      gateway,
      apiKey,
      IN_FLIGHT,
    );
    const elapsed = performance.now() - start;
    if (pending.edges.length === 0 && sending.edges.length === 0) return { drainedMs: elapsed };
    if (elapsed > limitMs) return { drainedMs: undefined };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const ENDED_BADLY = `{
  failed: deliveries(first: 100, filter: { state: FAILED }) { edges { cursor } }
  unknown: deliveries(first: 100, filter: { state: OUTCOME_UNKNOWN }) { edges { cursor } }
  cancelled: deliveries(first: 100, filter: { state: CANCELLED }) { edges { cursor } }
}`;

/** Deliveries that ended other than DELIVERED or SUPERSEDED (up to 100 of each state). */
export async function unfinished(
  gateway: Server,
  apiKey: string,
): Promise<{ count: number; text: string }> {
  const answer = await graphql<Record<string, Edges>>(gateway, apiKey, ENDED_BADLY);
  const counts = Object.entries(answer).filter(([, page]) => page.edges.length > 0);
  const count = counts.reduce((sum, [, page]) => sum + page.edges.length, 0);
  return {
    count,
    text:
      counts.length === 0
        ? ""
        : `; **ended badly: ${counts.map(([state, page]) => `${state} ${page.edges.length}`).join(", ")}**`,
  };
}

const PAGE = `query Page($after: String) {
  deliveries(first: 100, after: $after) { edges { node { state } } pageInfo { hasNextPage endCursor } }
}`;

/**
 * How many of the gateway's deliveries are in each state (pages through all of them: keep the
 * ledger small).
 */
export async function census(gateway: Server, apiKey: string): Promise<Record<string, number>> {
  const states: Record<string, number> = {};
  let after: string | null = null;
  for (;;) {
    type Page = {
      deliveries: {
        edges: Array<{ node: { state: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const { deliveries }: Page = await graphql<Page>(gateway, apiKey, PAGE, { after });
    for (const { node } of deliveries.edges) states[node.state] = (states[node.state] ?? 0) + 1;
    if (!deliveries.pageInfo.hasNextPage) return states;
    after = deliveries.pageInfo.endCursor;
  }
}

/**
 * The gateway's warn and error lines (JSON, `level` and `msg`) in the output kept of it, counted by
 * message, for the progress lines: a durable row can be error-free yet have the gateway complain.
 */
export function logSummary(output: string): string {
  const counts = new Map<string, number>();
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if (entry.level !== "warn" && entry.level !== "error") continue;
      const key = `${entry.level}: ${entry.msg ?? "(no msg)"}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      // A line cut at the start of the kept tail.
    }
  }
  return counts.size === 0
    ? "no warnings or errors logged"
    : [...counts].map(([key, count]) => `${count}× ${key}`).join("; ");
}

export async function emulatorCall(
  emulator: Server,
  path: string,
  init?: RequestInit,
): Promise<Response> {
  const response = await fetch(`${emulator.origin}/__emulator/${path}`, init);
  if (!response.ok)
    throw new Error(
      `${init?.method ?? "GET"} /__emulator/${path} answered ${response.status}: ${await response.text()}`,
    );
  return response;
}

export function emptyMeasurement(): Measurement {
  return {
    requests: 0,
    rps: NaN,
    p50Ms: NaN,
    p99Ms: NaN,
    failures: noFailures(),
    cpuUs: { client: NaN },
  };
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
