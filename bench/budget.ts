import { Budget, type BudgetOptions } from "../src/baidu/budget";
import { systemClock } from "../src/lib/clock";
import { DEV_APP } from "../src/emulator/dev-app";
import { ledgerBudgetStore } from "../src/store/budget";
import { openStore } from "../src/store/open";
import { countStatements, type CountingSql } from "../src/store/sql";
import type { DurableContext } from "./durable";
import { emptyMeasurement } from "./durable";
import { noFailures, percentile, type Measurement } from "./measure";
import {
  benchServerUrl,
  cpuMsDelta,
  cpuMsOf,
  createBenchDatabase,
  redacted,
  serverPids,
} from "./store";

/**
 * The budget rows: `Budget.acquire` in this process, per store kind, one caller at a time or 50 at
 * once.
 */
export type BudgetRowId = `budget-${"postgres" | "memory" | "none"}-${1 | 50}`;

export const BUDGET_ROW_IDS: readonly BudgetRowId[] = (
  ["postgres", "memory", "none"] as const
).flatMap((kind) => ([1, 50] as const).map((callers): BudgetRowId => `budget-${kind}-${callers}`));

/** Calls measured per row, after WARMUP_CALLS unmeasured ones. */
const CALLS = 5_000;
const WARMUP_CALLS = 500;
/**
 * As many callers as the load rows' connections; the pool has 10 connections (openPostgres'
 * default).
 */
const CONCURRENT = 50;
/** Far more calls a second than these can reach: the budget never makes a caller wait. */
const NEVER_LIMITS = 1_000_000;
const OPTIONS: BudgetOptions = { callsPerSecond: NEVER_LIMITS, recoverMs: 10_000, pauseMs: 1000 };
const APP = DEV_APP.appKey;

/** What one row measured, per call. */
interface PerCall {
  calls: number;
  elapsedS: number;
  latenciesMs: number[];
  errors: number;
  /** This process's user + system CPU, µs per call. */
  cpuUs: number;
  /**
   * The PostgreSQL server's CPU (this database's backends and the background processes:
   * `serverPids`), µs per call; undefined where not read.
   */
  postgresUs: number | undefined;
  statements: number;
}

/**
 * The cost per call of the shared QPS budget, in this process (no gateway, no HTTP): `acquire` of
 * a `Budget` whose budget never limits, over
 * - `postgres`: the gateway's store on a fresh database of the server (openStore, migrations
 *   applied);
 * - `memory`: an embedded PGlite store (`memory://`);
 * - `none`: no budget (`callsPerSecond: null`), on the PostgreSQL store: acquire asks nothing.
 * Whatever `ledgerBudgetStore` does for that kind of store is what is measured; the statements it
 * sends per call are counted. Each one caller at a time, then 50 at once, all on one app.
 */
export async function budgetRows(ctx: DurableContext): Promise<void> {
  const server = benchServerUrl();
  const database = await createBenchDatabase(server);
  if ("unreachable" in database) {
    ctx.add({
      id: "budget-postgres-1",
      label: "budget: acquire on PostgreSQL",
      connections: 1,
      measurement: emptyMeasurement(),
      skipped: `skipped: no PostgreSQL at ${redacted(server)} (${database.unreachable})`,
    });
  } else {
    try {
      const sql = countStatements(await openStore({ databaseUrl: database.url, dataDir: "" }));
      try {
        const where = `database ${database.name} on ${redacted(server)}`;
        await measureKind(ctx, "postgres", "PostgreSQL store", sql, OPTIONS, where);
        await measureKind(
          ctx,
          "none",
          "no budget (callsPerSecond null), PostgreSQL store",
          sql,
          { ...OPTIONS, callsPerSecond: null },
          where,
        );
      } finally {
        await sql.close();
      }
    } finally {
      await database.drop();
    }
  }
  const embedded = countStatements(
    await openStore({ databaseUrl: undefined, dataDir: "memory://" }),
  );
  try {
    await measureKind(
      ctx,
      "memory",
      "embedded store (PGlite memory://)",
      embedded,
      OPTIONS,
      "embedded PGlite in this process",
    );
  } finally {
    await embedded.close();
  }
}

async function measureKind(
  ctx: DurableContext,
  kind: "postgres" | "memory" | "none",
  what: string,
  sql: CountingSql,
  options: BudgetOptions,
  where: string,
): Promise<void> {
  const budget = new Budget(ledgerBudgetStore(sql), options, systemClock);
  const server = sql.kind === "postgres";
  // Warm-up at full concurrency: the JIT, and every pooled connection opened (a backend's start is
  // not a call's cost).
  await calls(budget, WARMUP_CALLS, CONCURRENT, sql, false);
  for (const callers of [1, CONCURRENT] as const) {
    const perCall = await calls(budget, CALLS, callers, sql, server);
    ctx.add({
      id: `budget-${kind}-${callers}`,
      label: `budget: acquire() in the bench process, ${what}, ${callers === 1 ? "one caller at a time" : `${callers} callers at once`}`,
      connections: callers,
      measurement: toMeasurement(perCall),
      note: describe(perCall, callers, where),
    });
  }
}

/**
 * `count` calls of acquire for one app, `callers` at a time (closed loop), with this process's and
 * the server's CPU around them.
 */
async function calls(
  budget: Budget,
  count: number,
  callers: number,
  sql: CountingSql,
  server: boolean,
): Promise<PerCall> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const start = performance.now();
      try {
        await budget.acquire(APP, Infinity);
      } catch {
        errors++;
      }
      latenciesMs.push(performance.now() - start);
    }
  };
  // Before the window: the query is not counted, and the pool's connections are all open (warm-up).
  const pids = server ? await serverPids((text) => sql.query(text)) : [];
  const statementsBefore = sql.statements;
  const postgresBefore = cpuMsOf(pids);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: callers }, worker));
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresMs = server ? cpuMsDelta(postgresBefore, cpuMsOf(pids)) : undefined;
  return {
    calls: count,
    elapsedS,
    latenciesMs,
    errors,
    cpuUs: (cpu.user + cpu.system) / count,
    postgresUs: postgresMs === undefined ? undefined : (postgresMs * 1000) / count,
    statements: (sql.statements - statementsBefore) / count,
  };
}

/**
 * The table's columns: req/s is calls a second, p50/p99 of one call; this process's CPU in the
 * gateway's place (the budget runs there in the gateway).
 */
function toMeasurement(perCall: PerCall): Measurement {
  const sorted = [...perCall.latenciesMs].sort((a, b) => a - b);
  return {
    requests: perCall.calls,
    rps: perCall.calls / perCall.elapsedS,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    failures: { ...noFailures(), body: perCall.errors },
    cpuUs: { gateway: perCall.cpuUs, client: NaN, postgres: perCall.postgresUs },
  };
}

function describe(perCall: PerCall, callers: number, where: string): string {
  const wallUs = (perCall.elapsedS * 1e6) / perCall.calls;
  const us = (value: number) =>
    value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1);
  return (
    `no target; per call, over ${perCall.calls.toLocaleString("en-US")} calls: wall ${us(wallUs)} µs` +
    (callers === 1
      ? ""
      : ` (elapsed ÷ calls; one call's p50 ${us(
          percentile(
            [...perCall.latenciesMs].sort((a, b) => a - b),
            50,
          ) * 1000,
        )} µs)`) +
    `, this process's CPU ${us(perCall.cpuUs)} µs, ${perCall.statements.toFixed(2)} SQL statements` +
    (perCall.postgresUs === undefined
      ? ""
      : `, PostgreSQL server CPU ${us(perCall.postgresUs)} µs`) +
    `; ${where}`
  );
}
