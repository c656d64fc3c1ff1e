/**
 * A request the order center would refuse as a whole. Baidu's errno for these is undocumented
 * (spec §6.2); the emulator answers 40001, "parameter error" in Baidu's smartapp table (spec §3.4).
 */
export class ParamError extends Error {
  constructor(parameter: string, problem = "missing or invalid") {
    super(`parameter error: ${parameter} ${problem}`);
    this.name = "ParamError";
  }
}

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function need(ok: boolean, parameter: string, problem?: string): void {
  if (!ok) throw new ParamError(parameter, problem);
}
