/**
 * A request the order center would refuse as a whole. Baidu's errno for these is undocumented
 * (contract §6.2); the emulator answers 40001, "parameter error" in Baidu's smartapp table
 * (contract §3.4).
 */
export class ParamError extends Error {
  constructor(parameter: string, problem = "missing or invalid") {
    super(`parameter error: ${parameter} ${problem}`);
    this.name = "ParamError";
  }
}

export function need(ok: boolean, parameter: string, problem?: string): void {
  if (!ok) throw new ParamError(parameter, problem);
}
