import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../src/store/open";
import {
  census,
  drain,
  emulatorCall,
  EXPECT,
  logSummary,
  ms,
  sendEach,
  writeBody,
  type DurableContext,
} from "./durable";
import {
  embeddedStore,
  gatewayGroup,
  postgresStore,
  skippedRow,
  type GroupMember,
  type RowStore,
} from "./gateway-rows";
import { REFERENCE, growLedger, MILLION, type GrownLedger } from "./ledger-seed";
import { failureCount, withCpu } from "./measure";
import type { Row, RowId } from "./scenarios";
import { startGateway } from "./stack";
import { AFTER_SALE_PATH, MANY_ORDER_IDS } from "./upstream";

/**
 * Per store: the reference (the load's 1,000 orders with ten deliveries each) and the grown ledger
 * (the same 1,000 orders with the same history, among 100,000), both filled alike by this process
 * (migrated, INSERT … SELECT, VACUUM ANALYZE, CHECKPOINT) before their gateways start, then
 * measured in turns so that the machine's drift does not decide the comparison.
 */
const GROWTH: ReadonlyArray<{
  store: "embedded" | "postgres";
  rows: ReadonlyArray<{ id: RowId; size: GrownLedger; label: string }>;
}> = [
  {
    store: "postgres",
    rows: [
      {
        id: "growth-postgres-reference",
        size: REFERENCE,
        label:
          "durable write, PostgreSQL, ledger of 10,000 deliveries (the next row's reference): WAIT, 1,000 orders",
      },
      {
        id: "growth-postgres",
        size: MILLION,
        label: "durable write, PostgreSQL, ledger of 1,000,000 deliveries: WAIT, 1,000 orders",
      },
    ],
  },
  {
    store: "embedded",
    rows: [
      {
        id: "growth-embedded-reference",
        size: REFERENCE,
        label:
          "durable write, embedded store, ledger of 10,000 deliveries (the next row's reference): WAIT, 1,000 orders",
      },
      {
        id: "growth-embedded",
        size: MILLION,
        label: "durable write, embedded store, ledger of 1,000,000 deliveries: WAIT, 1,000 orders",
      },
    ],
  },
];

/**
 * The many-orders WAIT row on a fresh store that already holds a million delivered deliveries
 * (`growLedger`, from this process before the gateway starts on it), in turns with the same row
 * on the reference ledger.
 */
export async function growthRows(ctx: DurableContext, only: (id: RowId) => boolean) {
  for (const { store, rows } of GROWTH) {
    const members: GroupMember[] = [];
    try {
      for (const { id, size, label } of rows.filter((row) => only(row.id))) {
        const rowStore = store === "postgres" ? await postgresStore() : embeddedStore(ctx, id);
        if (typeof rowStore === "string") {
          ctx.add(skippedRow(id, label, rowStore));
          continue;
        }
        members.push({ spec: { id, label, mode: "WAIT", orders: "many" }, rowStore });
        const preparedIn = await grow(rowStore, size);
        ctx.settings.progress(`${id}: ledger prepared in ${ms(preparedIn)}`);
        const filled = `${size.deliveries.toLocaleString("en-US")} deliveries over ${size.orders.toLocaleString("en-US")} orders, filled in ${ms(preparedIn)}`;
        members.at(-1)!.spec.note =
          size === REFERENCE ? `no target: the reference of the next row; ${filled}` : filled;
      }
      if (members.length > 0) await gatewayGroup(ctx, members);
    } finally {
      for (const { rowStore } of members) await rowStore.remove();
    }
  }
}

/** Opens the fresh store as the gateway would (migrations applied), grows it, closes it. */
async function grow(rowStore: RowStore, size: GrownLedger): Promise<number> {
  const started = performance.now();
  const sql = await openStore({
    databaseUrl: rowStore.store.databaseUrl,
    dataDir: rowStore.store.dataDir ?? "",
  });
  try {
    await growLedger(sql, size);
  } finally {
    await sql.close();
  }
  return performance.now() - started;
}

const BACKLOG_ORDERS = 1_000;
const WRITES_PER_ORDER = 10;
const DRAIN_LIMIT_MS = 180_000;
/** More firings than the outage can use: the fault lasts until DELETE /__emulator/faults. */
const OUTAGE_FAULT_TIMES = 10_000_000;

const BACKLOG: ReadonlyArray<{ id: RowId; store: "embedded" | "postgres"; what: string }> = [
  { id: "backlog-embedded", store: "embedded", what: "embedded store" },
  { id: "backlog-postgres", store: "postgres", what: "PostgreSQL" },
];

/**
 * A 10,000-write backlog: Baidu down (update/sub/info answers 503) while 10 QUEUE writes to each
 * of 1,000 orders are accepted, then Baidu back; how long acceptance took, how long until every
 * delivery ended, and how many calls the drain made (coalescing should make it about one per
 * order). The gateway retries with a backoff capped at 1 s (`baidu.retry.maxDelayMs`, config file
 * only), so the drain starts within a second.
 */
export async function backlogRows(ctx: DurableContext, only: (id: RowId) => boolean) {
  for (const { id, store, what } of BACKLOG) {
    if (!only(id)) continue;
    const label = `backlog drain, ${what}: ${BACKLOG_ORDERS.toLocaleString("en-US")} orders × ${WRITES_PER_ORDER} QUEUE writes, Baidu 503 then back`;
    const rowStore = store === "postgres" ? await postgresStore() : embeddedStore(ctx, id);
    if (typeof rowStore === "string") {
      ctx.add(skippedRow(id, label, rowStore));
      continue;
    }
    try {
      ctx.add(await backlogDrain(ctx, id, label, rowStore));
    } finally {
      await rowStore.remove();
    }
  }
}

async function backlogDrain(
  ctx: DurableContext,
  id: RowId,
  label: string,
  rowStore: RowStore,
): Promise<Row> {
  const configFile = join(ctx.scratch.root, `${id}-gateway.json`);
  writeFileSync(configFile, JSON.stringify({ baidu: { retry: { maxDelayMs: 1000 } } }));
  const gateway = await startGateway(`gateway (${id})`, ctx.emulator.origin, ctx.apiKey, {
    ...rowStore.store,
    configFile,
  });
  const control = (path: string, init?: RequestInit) => emulatorCall(ctx.emulator, path, init);
  try {
    await control("faults", { method: "DELETE" });
    await control("faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        route: "updateSubInfo",
        kind: "http",
        status: 503,
        times: OUTAGE_FAULT_TIMES,
      }),
    });
    // Write w goes to order w % 1,000: each order gets its 10 writes spread over the whole
    // acceptance.
    const bodies = Array.from({ length: BACKLOG_ORDERS * WRITES_PER_ORDER }, (_, w) =>
      writeBody(MANY_ORDER_IDS[w % BACKLOG_ORDERS]!, "QUEUE"),
    );
    const { sample, measurement } = await withCpu(
      { gateway: gateway.child.pid, emulator: ctx.emulator.child.pid, postgres: rowStore.postgres },
      () => sendEach(gateway, ctx.apiKey, bodies, 50, EXPECT.QUEUE),
    );
    const pending = (await (await control("faults")).json()) as Array<{ times?: number }>;
    const callsDuringOutage = OUTAGE_FAULT_TIMES - (pending[0]?.times ?? OUTAGE_FAULT_TIMES);
    // Empty the log, then end the outage: the calls logged from here on and not answered with the
    // outage's 503 (those landed between the two requests) are the drain's. The log keeps the
    // newest 10,000 requests, more than the drain should make.
    await control("requests", { method: "DELETE" });
    await control("faults", { method: "DELETE" });
    const { result: backlog, cpuUs } = await cpuOfDrain(gateway.child.pid, rowStore, () =>
      drain(gateway, ctx.apiKey, DRAIN_LIMIT_MS),
    );
    const log = (await (await control("requests")).json()) as Array<{
      path: string;
      status?: number;
    }>;
    const drainCalls = log.filter(
      (request) => request.path === AFTER_SALE_PATH && request.status !== 503,
    ).length;
    const states = await census(gateway, ctx.apiKey);
    const ended = (states.DELIVERED ?? 0) + (states.SUPERSEDED ?? 0);
    // An accepted write that did not end DELIVERED or SUPERSEDED is a failure of the row.
    const accepted = sample.requests - failureCount(sample.failures);
    measurement.failures.body += Math.max(0, accepted - ended);
    const drained =
      backlog.drainedMs === undefined
        ? `**not drained after ${DRAIN_LIMIT_MS / 1000} s**`
        : `all ended ${ms(backlog.drainedMs)} after Baidu came back`;
    const census_ = Object.entries(states)
      .map(([state, count]) => `${state} ${count}`)
      .join(", ");
    return {
      id,
      label,
      connections: 50,
      measurement,
      note:
        `no target; ${bodies.length.toLocaleString("en-US")} writes accepted in ${ms(sample.elapsedS * 1000)} during the outage ` +
        `(req/s, p50, p99 and CPU of that acceptance; ${callsDuringOutage.toLocaleString("en-US")} update/sub/info calls answered 503 meanwhile); ` +
        `${drained}, ${drainCalls.toLocaleString("en-US")} update/sub/info calls after it (${(drainCalls / BACKLOG_ORDERS).toFixed(2)} per order), ` +
        `drain CPU per accepted write: gateway ${Math.round(cpuUs.gateway)} µs` +
        (cpuUs.postgres === undefined ? "" : `, PostgreSQL ${Math.round(cpuUs.postgres)} µs`) +
        `; deliveries: ${census_}; ${rowStore.where}`,
      outage: {
        acceptedMs: sample.elapsedS * 1000,
        drainedMs: backlog.drainedMs,
        callsDuringOutage,
        drainCalls,
        states,
      },
    };
  } finally {
    await control("faults", { method: "DELETE" }).catch(() => undefined);
    await gateway.child.stop();
    ctx.settings.progress(`${gateway.child.name} log: ${logSummary(gateway.child.output())}`);
  }
}

/** The gateway's (and PostgreSQL's) CPU over the drain, per write of the backlog. */
async function cpuOfDrain<T>(
  pid: number,
  rowStore: RowStore,
  work: () => Promise<T>,
): Promise<{ result: T; cpuUs: { gateway: number; postgres: number | undefined } }> {
  let result!: T;
  const { measurement } = await withCpu({ gateway: pid, postgres: rowStore.postgres }, async () => {
    const started = performance.now();
    result = await work();
    return {
      requests: BACKLOG_ORDERS * WRITES_PER_ORDER,
      elapsedS: (performance.now() - started) / 1000,
      latenciesMs: [],
      failures: { non2xx: 0, body: 0, network: 0 },
    };
  });
  return {
    result,
    cpuUs: { gateway: measurement.cpuUs.gateway ?? NaN, postgres: measurement.cpuUs.postgres },
  };
}
