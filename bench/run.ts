import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderMarkdown, type JudgedRun } from "./report";
import { anyChildDied, liveChildren } from "./processes";
import { runTable, type RowId, type Settings } from "./scenarios";
import { removeLeftovers } from "./store";
import { judge } from "./targets";

/** dist/bench/run.js → the repository root, where bench/results lives (not dist/). */
const RESULTS = join(__dirname, "..", "..", "bench", "results", "latest.md");

const USAGE = `npm run bench -- [--duration 5] [--warmup 1.5] [--runs 1] [--profile-gateway DIR] [--only IDS] [--check]
  --duration         seconds per measured scenario (and per memory round)
  --warmup           seconds of warm-up before each scenario (default 3)
  --runs             run the whole table this many times in a row, to show the noise
  --profile-gateway  profile each server's measured window into DIR/<row id>.cpuprofile (keep it out
                     of the repo); summarise one with node dist/bench/profile-summary.js <file> 30
  --only             comma-separated row ids to measure (the anchor is always measured), e.g.
                     durable-embedded-many,durable-postgres-many
  --check            exit with code 1 when a target fails`;

/**
 * Every row starts a server of its own: the JIT, and for the embedded store the tier-up of PGlite's
 * WebAssembly (on background threads, charged to the process), are still settling after 1.5 s.
 */
const DEFAULT_WARMUP_S = 3;

interface Options {
  durationS: number;
  warmupS: number;
  runs: number;
  profileDir: string | undefined;
  only: ReadonlySet<RowId> | undefined;
  check: boolean;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string", default: "5" },
      warmup: { type: "string" },
      runs: { type: "string", default: "1" },
      "profile-gateway": { type: "string" },
      only: { type: "string" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const durationS = Number(values.duration);
  const warmupS = values.warmup === undefined ? DEFAULT_WARMUP_S : Number(values.warmup);
  const runs = Number(values.runs);
  if (!(durationS > 0) || !(warmupS >= 0) || !Number.isInteger(runs) || runs < 1)
    throw new Error(`Bad options.\n${USAGE}`);
  const profileDir =
    values["profile-gateway"] === undefined ? undefined : resolve(values["profile-gateway"]);
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const only =
    values.only === undefined
      ? undefined
      : new Set(values.only.split(",").map((id) => id.trim() as RowId));
  return { durationS, warmupS, runs, profileDir, only, check: values.check };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const started = performance.now();
  const date = new Date();
  // Elapsed seconds on every line, to match a row with whatever else the machine did meanwhile.
  const progress = (line: string) =>
    process.stderr.write(`  [${Math.round((performance.now() - started) / 1000)} s] ${line}\n`);
  const runs: JudgedRun[] = [];
  for (let i = 1; i <= options.runs; i++) {
    process.stderr.write(`bench: run ${i} of ${options.runs}\n`);
    const settings: Settings = {
      durationS: options.durationS,
      warmupS: options.warmupS,
      profileDir: options.profileDir,
      only: options.only,
      progress,
    };
    // A child that dies mid-run ends the benchmark at once, with its output, instead of timing out.
    const rows = await Promise.race([runTable(settings), anyChildDied()]);
    runs.push({ rows, verdicts: judge(rows) });
  }
  const markdown = renderMarkdown(runs, {
    date,
    durationS: options.durationS,
    warmupS: options.warmupS,
    wallS: (performance.now() - started) / 1000,
  });
  mkdirSync(join(RESULTS, ".."), { recursive: true });
  writeFileSync(RESULTS, markdown);
  process.stdout.write(`\n${markdown}\nWritten to ${RESULTS}\n`);
  // Rows without a target never fail the run, even with --check.
  const failed = runs.some((run) =>
    [...run.verdicts.values()].some((verdict) => !verdict.pass && !verdict.untargeted),
  );
  if (options.check && failed) process.exitCode = 1;
}

// Children must not outlive the benchmark, whether it ends normally, on an error or on Ctrl-C.
process.on("exit", () => liveChildren().forEach((child) => child.killNow()));
process.once("SIGINT", () => {
  process.stderr.write("bench: interrupted; stopping the emulator, the anchor and gateways\n");
  Promise.all(liveChildren().map((child) => child.stop()))
    .then(removeLeftovers)
    .finally(() => process.exit(130));
});

main().catch(async (error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await Promise.all(liveChildren().map((child) => child.stop()));
  await removeLeftovers();
  process.exit(1);
});
