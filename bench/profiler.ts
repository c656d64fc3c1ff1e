import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./processes";

/**
 * V8's sampling profiler in a child, driven over the inspector protocol (the child runs with
 * `--inspect` on a port of its own), so that a profile covers one measured window exactly: not
 * the child's start, its migrations, the warm-up or its shutdown, as `--cpu-prof` would.
 */
export interface Profiling {
  /** Node flags for the child. */
  nodeArgs: string[];
  /** Connects to the child's inspector and starts sampling. */
  start(): Promise<void>;
  /**
   * Stops sampling and writes `<dir>/<name>.cpuprofile` and, beside it, `<name>.json` with the
   * requests the window completed (for `profile-summary`'s figures per request).
   */
  stop(meta: ProfileMeta): Promise<string>;
}

export interface ProfileMeta {
  label: string;
  requests: number;
  seconds: number;
  /** The process's CPU per request over the window from /proc (every thread), for comparison. */
  processCpuUs: number | undefined;
}

/** One sample every 500 µs: about 2,000 a second of busy CPU, little overhead. */
const SAMPLING_INTERVAL_US = 500;

export async function createProfiling(dir: string, name: string): Promise<Profiling> {
  const port = await freePort();
  let session: Session | undefined;
  return {
    nodeArgs: [`--inspect=127.0.0.1:${port}`],
    async start() {
      const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
        webSocketDebuggerUrl: string;
      }>;
      session = await Session.open(targets[0]!.webSocketDebuggerUrl);
      await session.call("Profiler.enable");
      await session.call("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
      await session.call("Profiler.start");
    },
    async stop(meta) {
      if (!session) throw new Error(`The profiler of ${name} was never started`);
      const { profile } = (await session.call("Profiler.stop")) as { profile: unknown };
      session.close();
      session = undefined;
      const file = join(dir, `${name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(meta));
      return file;
    },
  };
}

/** A minimal Chrome DevTools Protocol client over Node's global WebSocket. */
class Session {
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id!);
      if (message.error) waiting.reject(new Error(`inspector: ${message.error.message}`));
      else waiting.resolve(message.result);
    });
  }

  static open(url: string): Promise<Session> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(new Session(socket)), { once: true });
      socket.addEventListener("error", () => reject(new Error(`Cannot reach ${url}`)), {
        once: true,
      });
    });
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
