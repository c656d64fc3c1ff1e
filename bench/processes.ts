import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";

/** Output kept per child: enough for a stack trace, bounded under millions of requests. */
const TAIL_BYTES = 64 * 1024;

const live = new Set<Child>();
let reportDeath: (error: Error) => void = () => undefined;
const anyDeath = new Promise<never>((_, reject) => (reportDeath = reject));
anyDeath.catch(() => undefined);

/**
 * A Node child process on loopback whose stdout and stderr are captured, so that the benchmark's
 * own table stays readable and the output can be shown when the child dies.
 */
export class Child {
  private readonly process: ChildProcess;
  private tail = "";
  /** Stdout alone: the gateway logs to stderr, so V8's --trace-gc lines are not crowded out. */
  private stdoutTail = "";
  private stopping = false;
  /** Rejects if the child exits before `stop()`; race it against the work that needs the child. */
  readonly died: Promise<never>;

  constructor(
    readonly name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    nodeArgs: readonly string[] = [],
  ) {
    this.process = spawn(process.execPath, [...nodeArgs, script], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) =>
      (this.tail = (this.tail + chunk.toString("utf8")).slice(-TAIL_BYTES));
    this.process.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      this.stdoutTail = (this.stdoutTail + chunk.toString("utf8")).slice(-TAIL_BYTES);
    });
    this.process.stderr?.on("data", keep);
    this.died = new Promise<never>((_, reject) => {
      this.process.once("exit", (code, signal) => {
        live.delete(this);
        if (this.stopping) return;
        const error = new Error(
          `${this.name} exited (${signal ?? `code ${code}`}) during the benchmark. Its output:\n${this.output()}`,
        );
        reject(error);
        reportDeath(error);
      });
    });
    this.died.catch(() => undefined);
    live.add(this);
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.process.pid;
  }

  output(): string {
    return this.tail.trim() || "(no output)";
  }

  /** The tail of its stdout alone. */
  stdout(): string {
    return this.stdoutTail;
  }

  /**
   * SIGTERM lets the gateway close its pools (and write a --cpu-prof profile); SIGKILL after 5 s.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once("exit", () => resolve()));
    this.process.kill("SIGTERM");
    const timer = setTimeout(() => this.process.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** For `process.on("exit")`, where nothing asynchronous runs any more. */
  killNow(): void {
    this.stopping = true;
    this.process.kill("SIGKILL");
  }
}

/** Rejects when any child exits before `stop()`: race the whole benchmark against it. */
export function anyChildDied(): Promise<never> {
  return anyDeath;
}

/** Every child still running, so that the entry point can end them on an error or Ctrl-C. */
export function liveChildren(): Child[] {
  return [...live];
}

/** A port that was free a moment ago: listen on 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` (with `init`, e.g. a POST for a server without a health route) until it answers 2xx;
 * fails early with the child's output if it dies first.
 */
export async function waitReady(
  url: string,
  child: Child,
  timeoutMs = 15_000,
  init?: RequestInit,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const poll = async (): Promise<void> => {
    for (;;) {
      const ok = await fetch(url, init).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(
          `${child.name} was not ready at ${url} after ${timeoutMs} ms. Its output:\n${child.output()}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await Promise.race([poll(), child.died]);
}

/**
 * Resets the kernel's peak RSS (VmHWM) of `pid` to its current RSS, so that a later reading is the
 * peak of what ran in between (proc(5), clear_refs "5"). False where that is not allowed.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export interface ProcessUsage {
  /** User + system CPU time in milliseconds. */
  cpuMs: number;
  /** The system (kernel) part of it: syscalls, and on loopback the peer's TCP receive work too. */
  systemMs: number;
  /** VmRSS in bytes. */
  rssBytes: number;
  /** VmHWM (peak RSS over the process's life) in bytes. */
  peakRssBytes: number;
}

/**
 * The kernel's own accounting of another process, from /proc (Linux only; undefined elsewhere).
 * utime and stime are fields 14 and 15 of /proc/<pid>/stat, in USER_HZ ticks, which Linux fixes
 * at 100 per second for user space (proc(5)).
 */
export function processUsage(pid: number): ProcessUsage | undefined {
  if (!existsSync(`/proc/${pid}/stat`)) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces and parentheses; count fields after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) =>
    Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN) * 1024;
  return {
    cpuMs: ticks * 10,
    systemMs: Number(fields[12]) * 10,
    rssBytes: kb("VmRSS"),
    peakRssBytes: kb("VmHWM"),
  };
}
