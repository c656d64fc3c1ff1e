import { cpus, release, totalmem, type } from "node:os";
import { failureCount, type Failures } from "./measure";
import type { Row } from "./scenarios";
import type { Verdict } from "./targets";

export interface RunInfo {
  date: Date;
  durationS: number;
  warmupS: number;
  wallS: number;
}

/** One judged table per run; `--runs 2` gives two, to show the noise between them. */
export interface JudgedRun {
  rows: Row[];
  verdicts: Map<Row["id"], Verdict>;
}

const HEADER = [
  "Scenario",
  "Conns",
  "Req/s",
  "p50 ms",
  "p99 ms",
  "Errors",
  "CPU µs/req: gateway · emulator · client",
  "Target",
  "Result",
];

/** The whole report as Markdown: printed as-is and written to bench/results/latest.md. */
export function renderMarkdown(runs: readonly JudgedRun[], info: RunInfo): string {
  const verdicts = runs.flatMap((run) => [...run.verdicts.values()]);
  const failed = verdicts.filter((verdict) => !verdict.pass && !verdict.untargeted).length;
  const untargetedWithErrors = verdicts.filter(
    (verdict) => !verdict.pass && verdict.untargeted,
  ).length;
  const lines = [
    "# Benchmark: latest run",
    "",
    `- Machine: ${describeMachine()}`,
    `- Date: ${info.date.toISOString()}`,
    `- Settings: ${info.durationS} s per measured scenario after a ${info.warmupS} s warm-up; ${runs.length} run(s); wall time ${Math.round(info.wallS)} s`,
    `- Outcome: ${failed === 0 ? "every target passes" : `${failed} target(s) fail`}` +
      (untargetedWithErrors === 0
        ? ""
        : `; ${untargetedWithErrors} row(s) without a target had errors`),
    "- Durable ledger rows (`durable write`, `outage drain`): measured without targets; targets for them are set by a later issue (no pass/fail, and `--check` ignores them).",
    "- `replicas` rows: no target either (no pass/fail, `--check` ignores them): on two cores more replicas cannot add throughput, so they show the cost per write.",
    "- `budget` rows: no target either: the cost per call of the shared QPS budget (`Budget.acquire`), measured in this process.",
  ];
  runs.forEach((run, i) => {
    lines.push("", `## Run ${i + 1}`, "", row(HEADER), row(HEADER.map(() => "---")));
    for (const r of run.rows) lines.push(row(cells(r, run.verdicts.get(r.id)!)));
  });
  lines.push("", ...NOTES);
  return lines.join("\n") + "\n";
}

function cells(r: Row, verdict: Verdict): string[] {
  const m = r.measurement;
  const shown = (us: number | undefined) =>
    us === undefined || Number.isNaN(us) ? "—" : String(Math.round(us));
  const cpu = [m.cpuUs.gateway, m.cpuUs.emulator, m.cpuUs.client].map(shown);
  if (m.cpuUs.postgres !== undefined) cpu.push(`postgres ${shown(m.cpuUs.postgres)}`);
  if (r.skipped)
    return [r.label, String(r.connections), "—", "—", "—", "—", "—", r.skipped, "skipped"];
  return [
    r.label,
    String(r.connections),
    Math.round(m.rps).toLocaleString("en-US"),
    m.p50Ms.toFixed(2),
    m.p99Ms.toFixed(2),
    errors(m.failures),
    cpu.join(" · "),
    verdict.target,
    verdict.untargeted
      ? verdict.pass
        ? "no target"
        : "**errors**"
      : verdict.pass
        ? "pass"
        : "**FAIL**",
  ];
}

function errors(failures: Failures): string {
  const total = failureCount(failures);
  if (total === 0) return "0";
  return `${total} (non-2xx ${failures.non2xx}, error bodies ${failures.body}, network ${failures.network})`;
}

function row(values: readonly string[]): string {
  return `| ${values.map((value) => value.replace(/\|/g, "\\|")).join(" | ")} |`;
}

function describeMachine(): string {
  const cores = cpus();
  const memoryGb = (totalmem() / 1024 ** 3).toFixed(1);
  return `${cores.length} cores (${cores[0]?.model.trim() ?? "unknown CPU"}), ${memoryGb} GB RAM, ${type()} ${release()}, Node ${process.version}`;
}

const NOTES = [
  "How to read it:",
  "",
  "- All three processes (this load generator, the gateway, the emulator) share the machine's cores on loopback.",
  "- Every write is durable: the gateway commits it to its ledger, then its worker delivers it (WAIT: the mutation answers with",
  "  Baidu's results). Each gateway the benchmark starts has a ledger of its own: an embedded PGlite data directory (PostgreSQL",
  "  compiled to WebAssembly, in the gateway's process) in a fresh temp directory removed at the end, or for the PostgreSQL rows a",
  "  database of the benchmark's own (`bench_<pid>_<time>`) on the server named by BENCH_DATABASE_URL (default",
  "  postgres://postgres@127.0.0.1:5432/postgres), dropped at the end; no server there: the row says skipped. So the",
  "  `gateway: updateAfterSaleOrder` rows, the token burst and the memory rounds measure the durable path on PGlite.",
  "- Durable rows run on fresh gateways of their own, after the measured gateway has stopped: `one order` writes the example's",
  "  order every time (a single order's writes are delivered strictly one at a time, newer pending ones coalesced into one call);",
  "  `1,000 orders` sends request n to order n mod 1,000 (each seeded in the emulator first), so the 50 in flight write distinct",
  "  orders. QUEUE answers once the write is committed; its backlog is drained (and timed) before the next scenario. The",
  "  `postgres` CPU figure is user + system time of every process named `postgres` (the server's backends and background",
  "  workers, whatever database they serve) over the window, per request.",
  "- Replicas: for 1, 2 and 3 replicas, a fresh database (dropped after), that many gateways on it (production mode, DATABASE_URL),",
  "  and the load of the `PostgreSQL: WAIT, 1,000 orders` row, its 50 connections spread round-robin over the replicas (connection i",
  "  talks to replica i mod N). Every figure of these rows is per write the replicas accepted in the window (the sum of",
  "  `baidu_gateway_writes_accepted_total` deltas), counters read from each replica's own `GET /metrics` before and after it,",
  "  each scrape once the ledger has nothing PENDING or SENDING (the requests autocannon drops at the end were accepted and are",
  "  delivered all the same: their cost is counted up to the second scrape, for every process). The gateway CPU figure is the sum",
  "  of the replicas' `baidu_gateway_process_cpu_seconds_total` deltas (the note has /proc's to check it). PostgreSQL round trips",
  "  per write: the sum of `baidu_gateway_store_statements_total` deltas, which also holds each replica's background work meanwhile",
  "  (poll, budget refresh, one scrape's ledger read) and the drain check's ledger queries, a few dozen at most. Waiter notices",
  "  (`baidu_gateway_waiter_notices_total`): a WAIT mutation told by another replica, which delivered its write, that it moved on;",
  "  the waiting replica then reads the delivery, one more statement, so round trips per write grow with N. Token requests are",
  "  the replicas' `baidu_gateway_baidu_token_requests_total` summed over their whole life, warm-up included: 1 per app is right.",
  "  The load generator (this process) and the emulator run on the same two cores: their CPU is in the emulator and client",
  "  figures, and more replicas mostly add contention, so req/s here says nothing about scaling; CPU per write does.",
  "- The `replicas: 3 gateways …, QPS budget` row is the `replicas: 3 gateways` load again, right after it, on a fresh database,",
  "  with BAIDU_CALLS_PER_SECOND 100,000 (the most the config accepts; far above the load, so no call waits): its note shows the",
  "  budget's cost per write as the difference from that row (one run each, so the difference holds their noise too).",
  "- Budget: `Budget.acquire(app, Infinity)` called in this process (no gateway, no HTTP, no emulator), 500 calls of warm-up at 50",
  "  callers, then 5,000 calls one caller at a time and 5,000 with 50 callers at once (closed loop), all on one app, with a budget",
  "  of 1,000,000 calls a second (never limits), recoverMs 10,000, pauseMs 1,000. `PostgreSQL store`: the gateway's store",
  "  (`openStore`, migrations applied, a pool of 10) on a fresh database of the server, dropped after; `embedded store`: PGlite",
  "  (`memory://`) in this process; each measures whatever `ledgerBudgetStore` does there (its statements per call are counted;",
  "  every call is for the same app, so on PostgreSQL concurrent callers queue for one row). `no budget`:",
  "  `callsPerSecond: null` on the PostgreSQL store; acquire asks nothing (the floor: the loop and an await). Req/s is calls a",
  "  second, p50/p99 one call's latency; the gateway CPU column is this process's `process.cpuUsage()` per call (the budget runs",
  "  in the gateway's process); statements are counted by `countStatements`. The `postgres` figure here is narrower than above:",
  "  the backends connected to the row's database (the pool's 10) and the server's background processes (WAL writer,",
  "  checkpointer, ...), from pg_stat_activity, charged only if running at both ends of the window, so that other clients of the",
  "  server (a test run) cannot add to it or, by exiting, take from it; 10 ms ticks.",
  "- Outage drain: a gateway with `baidu.retry.maxDelayMs` 1000 (config file); the emulator answers update/sub/info with HTTP 503",
  "  while 10 QUEUE writes to each of 100 orders are sent (50 at a time); req/s, p50 and p99 are of that acceptance. Then the",
  "  fault is cleared and the ledger polled every 100 ms until nothing is PENDING or SENDING (at most 120 s); the update/sub/info",
  "  calls in the emulator's request log (emptied just before the clear) are the drain's. A write not ended DELIVERED or",
  "  SUPERSEDED counts as an error.",
  "- `limit` sends the call with undici's `request` over a keep-alive pool, body serialised once; `direct` sends it with ky's defaults;",
  "  both fetch one token first and send the real query string and body, checked against the gateway's dry-run preview.",
  "- Errors: non-2xx answers, 2xx bodies with GraphQL `errors` (or a Baidu `errno` other than 0, or without the expected data),",
  "  and connection errors or timeouts. A row with any error fails, however fast it was.",
  "- Latencies are per request, closed loop (one request in flight per connection), with sub-millisecond precision.",
  "- CPU per request is the process's user + system time from /proc/<pid>/stat (this process: `process.cpuUsage()`) over the",
  "  measured window, divided by completed requests. `—`: the process is not involved.",
  "- Token burst: a fresh gateway, warmed up with the dry-run mutation (which never fetches a token), then 1,000 mutations on",
  "  1,000 connections at once; token and upstream calls are counted in the emulator's request log, emptied just before.",
  "- Memory: RSS (VmRSS) of the measured gateway after a warm-up, then after each of three rounds at 50 connections; peak is VmHWM,",
  "  the highest RSS over the gateway's life (every scenario above ran on it). The live heap after the last full GC (from the",
  "  gateway's `--trace-gc` output) is shown beside it: if it stays flat while RSS grows, V8 sized its heap up; it is not a leak.",
];
