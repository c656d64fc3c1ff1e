import { print } from "graphql";
import {
  AppendAfterSaleOrdersDocument,
  ImportOrderDocument,
  UpdateAfterSaleOrderDocument,
  UpdateOrderLogisticsDocument,
  UpdateOrderStatusDocument,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { ADMIN_KEY, startHarness, type Harness } from "./support/harness";

const SEED = 20261201;
const REQUESTS = 3000;
/** Planted in every hostile input: no response may contain it. */
const MARK = "ZQXMARK";

/** mulberry32: a small seeded generator, so that a failing run can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

type Random = ReturnType<typeof generator>;

const WRITES = [
  { document: print(ImportOrderDocument), input: ex.importOrderInput },
  { document: print(UpdateOrderStatusDocument), input: ex.updateOrderStatusInput },
  { document: print(UpdateAfterSaleOrderDocument), input: ex.updateAfterSaleOrderInput },
  { document: print(AppendAfterSaleOrdersDocument), input: ex.appendAfterSaleOrdersInput },
  { document: print(UpdateOrderLogisticsDocument), input: ex.updateOrderLogisticsInput },
];

/** Values a hostile client puts where a string, a number or an object belongs. */
function hostileValue(r: Random, n: number): unknown {
  const mark = `${MARK}${n}`;
  return r.pick<() => unknown>([
    () => mark,
    () => `${mark}\u0000\u001b[31m\r\n`,
    () => `\u202e${mark}`,
    () => `${mark}\ud800`,
    () => `${mark}${"x".repeat(100_000)}`,
    () => ` ${mark} `,
    () => -1,
    () => 1e308,
    () => 1.5,
    () => 1_700_000_000_000,
    () => true,
    () => null,
    () => [mark, mark],
    () => ({ [mark]: mark }),
    () => Array.from({ length: 2000 }, () => ({ resourceId: mark })),
  ])();
}

/** The example input with one to three values replaced (or keys added) at random depths. */
function mutate(r: Random, value: unknown, n: number, depth = 0): unknown {
  if (Array.isArray(value))
    return value.map((item) => (r.next() < 0.3 ? mutate(r, item, n, depth + 1) : item));
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    for (let i = 0; i < 1 + r.int(3); i++) {
      const key = r.pick(keys);
      copy[key] =
        r.next() < 0.5 && depth < 4 ? mutate(r, copy[key], n, depth + 1) : hostileValue(r, n);
    }
    if (r.next() < 0.1) copy[`${MARK}${n}`] = hostileValue(r, n);
    return copy;
  }
  return hostileValue(r, n);
}

const SOUP = [
  "{",
  "}",
  "(",
  ")",
  ":",
  "...",
  "@include(if: true)",
  "$v",
  "query",
  "mutation",
  "fragment",
  "on",
  "__typename",
  "apps",
  "appKey",
  "[",
  "]",
  "=",
  "!",
  "|",
  "1e999",
  '"\\u0000"',
  "#",
  "\u0000",
  "\ud800",
];

/** A document made of the GraphQL grammar's pieces and planted names, in no particular order. */
function hostileDocument(r: Random, n: number): string {
  return r.pick<() => string>([
    () =>
      Array.from({ length: 1 + r.int(200) }, () =>
        r.next() < 0.2 ? `${MARK}${n}` : r.pick(SOUP),
      ).join(" "),
    () => `{ ${MARK}${n} }`,
    () => `query ${MARK}${n} { apps { appKey } }`,
    () => `{ apps(${MARK}${n}: "${MARK}${n}") { appKey } }`,
    () => `{ ${"apps { ".repeat(1 + r.int(60))} appKey ${"} ".repeat(1 + r.int(60))}`,
    () => `{ delivery(id: "${MARK}${n}") { id } }`,
    () => `{ order(appKey: "${MARK}${n}", resourceId: ${n}) { resourceId } }`,
    () => `fragment ${MARK}${n} on Query { apps { appKey } } { ...${MARK}${n} ...${MARK}${n} }`,
    () => `mutation { cancelDelivery(id: ${n}) { id } }`,
    () => `{ __type(name: "${MARK}${n}") { name } }`,
    () => `{ deliveries(first: ${MARK}${n}) { edges { cursor } } }`,
    () =>
      `{ deliveries(first: [${MARK}${n}], filter: { since: ${MARK}${n} }) { edges { cursor } } }`,
    () => `query ($v: Int = ${MARK}${n}) { apps { appKey @include(if: ${MARK}${n}) } }`,
    () => `subscription ${MARK}${n} { __typename }`,
  ])();
}

interface Sent {
  method: string;
  headers: Record<string, string>;
  body?: string;
  search?: string;
}

function hostileRequest(r: Random, n: number): Sent {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    authorization: `Bearer ${ADMIN_KEY}`,
  };
  const roll = r.next();
  if (roll < 0.1)
    headers.authorization = r.pick([
      "",
      `Bearer ${MARK}${n}`,
      `Basic ${MARK}${n}`,
      `Bearer ${"k".repeat(20_000)}`,
      "Bearer",
    ]);
  if (roll > 0.9)
    headers["content-type"] = r.pick([
      "text/plain",
      "application/json; charset=utf-16",
      "multipart/form-data",
      `application/${MARK}${n}`,
    ]);
  if (r.next() < 0.05) headers["x-apollo-operation-name"] = `${MARK}${n}`;
  const kind = r.next();
  if (kind < 0.45) {
    const write = r.pick(WRITES);
    return {
      method: "POST",
      headers,
      body: JSON.stringify({
        query: write.document,
        variables: { input: mutate(r, write.input, n) },
      }),
    };
  }
  if (kind < 0.8) {
    return {
      method: "POST",
      headers,
      body: JSON.stringify({
        query: hostileDocument(r, n),
        variables: r.next() < 0.3 ? hostileValue(r, n) : undefined,
      }),
    };
  }
  if (kind < 0.9) {
    const body = r.pick([
      "",
      "null",
      "[]",
      `[{"query":"{ __typename }"}]`,
      "{",
      `{"query": 1}`,
      `{"query":"{ __typename }","variables":"${MARK}${n}"}`,
      `{"query":"{ __typename }","operationName":"${MARK}${n}"}`,
      `{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"${MARK}${n}"}}}`,
      `{"${MARK}${n}": true}`,
    ]);
    return { method: "POST", headers, body };
  }
  return {
    method: "GET",
    headers: { ...headers, "apollo-require-preflight": "true" },
    search: `?query=${encodeURIComponent(hostileDocument(r, n).replace(/[\ud800-\udfff]/g, "\ufffd"))}`,
  };
}

function parsed(
  text: string,
): { data?: Record<string, unknown> | null; errors?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A seeded campaign of hostile documents, variables, bodies and headers against a production-mode
 * gateway.
 */
describe("a production gateway under hostile requests", () => {
  jest.setTimeout(120_000);
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ delivery: { waitMs: 200 } });
    ex.seedExampleOrders(h.emulator, { afterSale: true });
  });
  afterAll(() => h.close());

  it(`answers ${REQUESTS} of them without a 5xx, an echo or a stack trace, sends nothing it refused, and stays up`, async () => {
    const r = generator(SEED);
    const problems: string[] = [];
    let accepted = 0;
    for (let n = 0; n < REQUESTS; n++) {
      const sent = hostileRequest(r, n);
      const response = await fetch(h.gateway.graphqlUrl + (sent.search ?? ""), {
        method: sent.method,
        headers: sent.headers,
        body: sent.body,
      });
      const text = await response.text();
      const where = `request ${n} (seed ${SEED}): ${sent.body?.slice(0, 200) ?? sent.search}`;
      if (response.status >= 500)
        problems.push(`${where}: HTTP ${response.status} ${text.slice(0, 300)}`);
      // An accepted write's data may name what it was given (its resourceId); no refusal may.
      const body = parsed(text);
      const refusal = body === undefined ? text : JSON.stringify(body.errors ?? "");
      if (refusal.includes(MARK)) problems.push(`${where}: echoed: ${refusal.slice(0, 300)}`);
      if (/\n\s+at |stacktrace/.test(text))
        problems.push(`${where}: stack trace: ${text.slice(0, 300)}`);
      const write = body?.data && Object.values(body.data)[0];
      if (sent.body?.includes('"variables":{"input"') && write) accepted++;
    }
    expect(problems.slice(0, 10)).toEqual([]);
    // Only what was accepted was recorded, and only what was recorded went to Baidu.
    const recorded = await h.sql.query<{ n: number }>("select count(*)::int as n from deliveries");
    expect(recorded[0]!.n).toBe(accepted);
    const writes = h.emulator.requests.filter((request) => !request.path.startsWith("/oauth"));
    const attempts = await h.sql.query<{ n: number }>(
      "select count(*)::int as n from delivery_attempts",
    );
    expect(writes.length).toBeLessThanOrEqual(attempts[0]!.n);
    // Still up.
    const alive = await fetch(h.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect([alive.status, await alive.json()]).toEqual([200, { data: { __typename: "Query" } }]);
  });
});
