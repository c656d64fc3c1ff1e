import { cpus, release, totalmem, type } from "node:os";
import { failureCount, type Failures } from "./measure";
import type { Row } from "./scenarios";
import { ratio, times, type Verdict } from "./targets";

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
  "CPU µs/req: server (its kernel part) · emulator · load generator",
  "Peak RSS MB",
  "vs anchor: CPU/req · req/s",
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
    "- The anchor is the reference of every ratio: a hand-written Apollo Server 5 + `@apollo/datasource-rest` server",
    "  (`bench/anchor/server.ts`) for the same mutation, measured in the same run on the same emulator.",
    "- Rows marked `no target` are measured and shown, never judged beyond their errors; `--check` ignores them.",
  ];
  runs.forEach((run, i) => {
    lines.push("", `## Run ${i + 1}`, "", row(HEADER), row(HEADER.map(() => "---")));
    const anchor = run.rows.find((r) => r.id === "anchor-50")?.measurement;
    for (const r of run.rows) lines.push(row(cells(r, run.verdicts.get(r.id)!, anchor)));
  });
  lines.push("", ...NOTES);
  return lines.join("\n") + "\n";
}

function cells(r: Row, verdict: Verdict, anchor: Row["measurement"] | undefined): string[] {
  const m = r.measurement;
  const shown = (us: number | undefined) =>
    us === undefined || Number.isNaN(us) ? "—" : Math.round(us).toLocaleString("en-US");
  const cpu = [m.cpuUs.gateway, m.cpuUs.emulator, m.cpuUs.client].map(shown);
  if (m.cpuUs.gatewaySystem !== undefined && m.cpuUs.gateway !== undefined)
    cpu[0] = `${cpu[0]} (kernel ${shown(m.cpuUs.gatewaySystem)})`;
  if (m.cpuUs.postgres !== undefined) cpu.push(`postgres ${shown(m.cpuUs.postgres)}`);
  if (r.skipped)
    return [
      r.label,
      String(r.connections),
      "—",
      "—",
      "—",
      "—",
      "—",
      "—",
      "—",
      r.skipped,
      "skipped",
    ];
  const target =
    verdict.untargeted || !r.note || verdict.target.includes(r.note)
      ? verdict.target
      : `${verdict.target}; ${r.note}`;
  return [
    r.label,
    String(r.connections),
    Math.round(m.rps).toLocaleString("en-US"),
    m.p50Ms.toFixed(2),
    m.p99Ms.toFixed(2),
    errors(m.failures),
    cpu.join(" · "),
    r.peakRssMb === undefined ? "—" : String(Math.round(r.peakRssMb)),
    againstAnchor(r, anchor),
    target,
    verdict.untargeted
      ? verdict.pass
        ? "no target"
        : "**errors**"
      : verdict.pass
        ? "pass"
        : "**FAIL**",
  ];
}

/**
 * The row's server CPU per request and req/s as multiples of the anchor's; not for rows measured
 * in this process (budget) or without a server (the stub alone).
 */
function againstAnchor(r: Row, anchor: Row["measurement"] | undefined): string {
  if (r.id === "anchor-50") return "reference";
  if (r.id.startsWith("budget-") || r.id === "limit-50" || r.id === "burst") return "—";
  return `${times(ratio(r.measurement.cpuUs.gateway, anchor?.cpuUs.gateway))} · ${times(ratio(r.measurement.rps, anchor?.rps))}`;
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
  "- All processes (this load generator, the server measured, the emulator, PostgreSQL) share the machine's cores on loopback.",
  "- The anchor (`bench/anchor/server.ts`): the server a merchant would write instead of this gateway, by the Apollo Server 5 and",
  "  `@apollo/datasource-rest` 6 docs: SDL schema, one resolver, a RESTDataSource per request (sharing the server's cache), the",
  "  token fetched once from the emulator and kept until a minute before it expires; no validation beyond GraphQL's types, no",
  "  ledger, no retries, no auth; plain `node` with NODE_ENV=production. It is checked to send the emulator the gateway's call",
  "  (same query string and body) and measured on the many-orders load, bodies byte for byte the gateway's WAIT rows'. The",
  "  `vs anchor` column divides the row's server CPU per request and its req/s by the anchor's, in the same run.",
  "- Every gateway row runs on a gateway of its own (production mode, the default LOG_LEVEL info: one line per GraphQL",
  "  operation, unless the row says otherwise) with a fresh ledger: an embedded PGlite data directory (PostgreSQL compiled to",
  "  WebAssembly, in the gateway's process) under a temp directory removed at the end, or a PostgreSQL database of the",
  "  benchmark's own (`bench_<pid>_<time>`) on the server named by BENCH_DATABASE_URL (default",
  "  postgres://postgres@127.0.0.1:5432/postgres), dropped after the row; no server there: the row says skipped.",
  "- WAIT rows send the doc example mutation (WAIT is the default delivery mode): it answers with Baidu's results. `one order`",
  "  writes the example's order every time (a single order's writes are delivered strictly one at a time, newer pending ones",
  "  coalesced into one call); `1,000 orders` sends request n to order n mod 1,000 (each seeded in the emulator first), so the 50",
  "  in flight write distinct orders. QUEUE answers once the write is committed; its backlog is drained before and after the",
  "  measured window.",
  "- Rows compared with each other are measured in turns: the embedded store's three WAIT rows, the two PostgreSQL WAIT rows,",
  "  and each grown ledger with its reference. Their gateways are all started and warmed up first, then loaded one at a time,",
  "  A B C A B C A B C, each window a third of the duration (the others idle meanwhile), so that the machine's drift (other",
  "  work, the hypervisor) falls on all of them alike. The anchor is measured once, before them.",
  "- The `postgres` CPU figure is user + system time of every process named `postgres` (the server's backends and background",
  "  workers, whatever database they serve) over the window, per request.",
  "- Peak RSS is the server's VmHWM, reset (clear_refs) just before the row's warm-up: the peak under that row's load. The memory",
  "  rows run three more rounds of their row's load on the same gateway, RSS read before and after each; their peak covers the",
  "  row and the rounds. The live heap after the last full GC (the gateway's `--trace-gc` output) shows whether RSS growth is",
  "  live data or V8 sizing its heap up.",
  "- Grown ledger: before its gateway starts, this process opens the fresh store (migrations applied) and fills it with one",
  "  INSERT … SELECT generate_series per table: 1,000,000 DELIVERED deliveries over 100,000 orders (per order one import, then",
  "  nine update/sub/info writes; the first 1,000 orders are the load's), each with its order link and one attempt, every",
  "  order's sequence and record, all within the last 20 days (inside the 30-day retention), then VACUUM ANALYZE and a",
  "  CHECKPOINT (so that the window does not pay for flushing the bulk load). Its reference, the row before it, is filled the",
  "  same way with the load's 1,000 orders only (10,000 deliveries): each written order holds the same history in both, so",
  "  the two differ in the ledger's size alone. Both run the 1,000-orders WAIT load, in turns; the target compares their CPU",
  "  per write (gateway, plus the PostgreSQL server's for that store).",
  "- Backlog drain: a gateway with `baidu.retry.maxDelayMs` 1000 (config file); the emulator answers update/sub/info with HTTP",
  "  503 while 10 QUEUE writes to each of 1,000 orders are sent (50 at a time); req/s, p50, p99 and CPU are of that acceptance.",
  "  Then the fault is cleared and the ledger polled every 100 ms until nothing is PENDING or SENDING (at most 180 s); the",
  "  update/sub/info calls in the emulator's request log (emptied just before the clear) are the drain's. A write not ended",
  "  DELIVERED or SUPERSEDED counts as an error.",
  "- Replicas: for 1, 2 and 3 replicas, a fresh database (dropped after), that many gateways on it, and the load of the",
  "  `PostgreSQL: WAIT, 1,000 orders` row, its 50 connections spread round-robin over the replicas. Every figure is per write the",
  "  replicas accepted in the window (`baidu_gateway_writes_accepted_total` deltas); the gateway CPU figure is the sum of the",
  "  replicas' `baidu_gateway_process_cpu_seconds_total` deltas; statements are `baidu_gateway_store_statements_total` deltas.",
  "  On two cores more replicas mostly add contention, so req/s here says nothing about scaling; CPU per write does. The `QPS",
  "  budget` row repeats the 3-replica load with BAIDU_CALLS_PER_SECOND 100,000 (never limits): the budget's cost per write.",
  "- Budget: `Budget.acquire(app, Infinity)` in this process (no gateway, no HTTP), 5,000 calls one caller at a time and 5,000",
  "  with 50 callers, on the PostgreSQL store, on PGlite (`memory://`) and with no budget; req/s is calls a second, the server",
  "  CPU column is this process's CPU per call.",
  "- `upstream stub alone` sends the call with undici's `request` over a keep-alive pool, body serialised once: what the emulator",
  "  itself can take. It is checked to send the gateway's call (its dry-run preview).",
  "- `{ __typename }` and the dry-run mutation run on the token burst's gateway before its burst (neither fetches a token).",
  "- Token burst: 1,000 mutations on 1,000 connections at once on that gateway; token and update/sub/info calls are counted in",
  "  the emulator's request log, emptied just before.",
  "- Errors: non-2xx answers, 2xx bodies with GraphQL `errors` (or without the expected data), and connection errors or",
  "  timeouts. A row with any error fails, however fast it was.",
  "- Latencies are per request, closed loop (one request in flight per connection), with sub-millisecond precision.",
  "- CPU per request is the process's user + system time from /proc/<pid>/stat (this process: `process.cpuUsage()`) over the",
  "  measured window, divided by completed requests; 10 ms ticks. `—`: the process is not involved. The server's kernel part",
  "  (system time) is shown beside it: syscalls, and on loopback the receiving side's TCP work, which the sender's",
  "  `write` runs in its own context.",
  "- `--profile-gateway DIR`: each server's measured window is profiled (V8's sampler over the inspector, 500 µs interval), into",
  "  `DIR/<row id>.cpuprofile` beside `<row id>.json` (requests in the window); `node dist/bench/profile-summary.js <file> 30`",
  "  prints the costs per request. A profiled run's own figures are a few per cent worse.",
];
