import { isJsonObject } from "../lib/json-object";
import { isEmulatorRoute, type EmulatorRoute } from "./routes";

/** What a fault does instead of (or before) the normal answer. */
export type FaultAction =
  /** Wait `ms` on a real timer, then answer normally. */
  | { kind: "latency"; ms: number }
  /** Never answer; the socket is destroyed when the emulator closes. */
  | { kind: "hang" }
  /** Answer with this HTTP status; a string body is sent as text, anything else as JSON. */
  | { kind: "http"; status: number; body?: unknown }
  /** Destroy the socket without answering. */
  | { kind: "drop" }
  /**
   * HTTP 200 `{"error_code", "error_msg"}`; `msg` defaults to Baidu's text for the code (contract
   * §3.3).
   */
  | { kind: "errorCode"; code: number; msg?: string }
  /** HTTP 200 `{"errno", "msg", "data": []}`. */
  | { kind: "errno"; errno: number; msg?: string }
  /** HTTP 200 with a body that is not JSON. */
  | { kind: "malformed" };

export type FaultRoute = EmulatorRoute | "*";

/**
 * A scripted fault: fires on the next `times` (default 1) requests to `route` ("*": any Baidu
 * route).
 */
export type Fault = FaultAction & { route: FaultRoute; times?: number };

/**
 * Faults fire in the order added; each request consumes at most one. Tests assert `pending()` is
 * empty at the end, so a fault that never fired fails the test.
 */
export class FaultScript {
  private queue: Array<{ fault: Fault; remaining: number }> = [];

  /** Throws a TypeError when `fault` is not a valid fault (it may come from JSON over HTTP). */
  add(fault: Fault): Fault {
    const valid = toFault(fault);
    this.queue.push({ fault: valid, remaining: valid.times ?? 1 });
    return valid;
  }

  /** The faults still to fire; `times` is how many firings are left. */
  pending(): Fault[] {
    return this.queue.map(({ fault, remaining }) => ({ ...fault, times: remaining }));
  }

  clear(): void {
    this.queue = [];
  }

  /** Consumes one firing of the first fault that matches `route`. */
  take(route: EmulatorRoute): FaultAction | undefined {
    const index = this.queue.findIndex(({ fault }) => fault.route === "*" || fault.route === route);
    if (index < 0) return undefined;
    const entry = this.queue[index]!;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.queue.splice(index, 1);
    return entry.fault;
  }
}

const isInt = (value: unknown): value is number => Number.isInteger(value);
const isOptionalString = (value: unknown): boolean =>
  value === undefined || typeof value === "string";

const KIND_CHECKS: Record<FaultAction["kind"], (f: Record<string, unknown>) => boolean> = {
  latency: (f) => isInt(f.ms) && f.ms >= 0,
  hang: () => true,
  http: (f) => isInt(f.status) && f.status >= 100 && f.status <= 599,
  drop: () => true,
  errorCode: (f) => isInt(f.code) && isOptionalString(f.msg),
  errno: (f) => isInt(f.errno) && isOptionalString(f.msg),
  malformed: () => true,
};

/**
 * Checks an untyped value and returns it as a Fault, or throws a TypeError saying what is wrong.
 */
export function toFault(value: unknown): Fault {
  if (!isJsonObject(value)) throw new TypeError("a fault must be an object");
  if (value.route !== "*" && !isEmulatorRoute(value.route)) {
    throw new TypeError(
      `fault route must be "*", "token" or an endpoint name, got ${JSON.stringify(value.route)}`,
    );
  }
  if (value.times !== undefined && !(isInt(value.times) && value.times > 0)) {
    throw new TypeError("fault times must be a positive integer");
  }
  const kind = value.kind as FaultAction["kind"];
  const check = Object.hasOwn(KIND_CHECKS, kind) ? KIND_CHECKS[kind] : undefined;
  if (!check) throw new TypeError(`unknown fault kind ${JSON.stringify(value.kind)}`);
  if (!check(value)) throw new TypeError(`invalid fields for a "${kind}" fault`);
  return { ...value } as Fault;
}
