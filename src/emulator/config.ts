import { DEV_APP } from "./dev-app";
import type { EmulatorOptions } from "./server";

export const DEFAULT_EMULATOR_PORT = 8790;

function readInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return value;
}

/**
 * Options for the standalone emulator from `EMULATOR_*` variables, defaulting to the dev app.
 * Throws one error listing every bad variable.
 */
export function readEmulatorConfig(
  env: NodeJS.ProcessEnv,
): EmulatorOptions & { host: string; port: number } {
  const problems: string[] = [];
  const port = readInteger(env, "EMULATOR_PORT", 0, 65_535, problems) ?? DEFAULT_EMULATOR_PORT;
  const tokenLifetimeSeconds = readInteger(
    env,
    "EMULATOR_TOKEN_LIFETIME",
    1,
    Number.MAX_SAFE_INTEGER,
    problems,
  );
  const expressShape = readExpressShape(env, problems);
  if (problems.length > 0)
    throw new Error(`Invalid emulator configuration:\n  ${problems.join("\n  ")}`);
  const app = {
    appKey: env.EMULATOR_APP_KEY || DEV_APP.appKey,
    appSecret: env.EMULATOR_APP_SECRET || DEV_APP.appSecret,
  };
  return {
    apps: [app],
    host: env.EMULATOR_HOST || "127.0.0.1",
    port,
    ...(tokenLifetimeSeconds !== undefined && { tokenLifetimeSeconds }),
    ...(expressShape !== undefined && { expressShape }),
  };
}

/** `EMULATOR_EXPRESS_SHAPE`: the one shape of E7's `Express` to accept; unset, both. */
function readExpressShape(
  env: NodeJS.ProcessEnv,
  problems: string[],
): EmulatorOptions["expressShape"] {
  const raw = env.EMULATOR_EXPRESS_SHAPE;
  if (raw === undefined || raw === "") return undefined;
  if (raw === "object" || raw === "array") return raw;
  problems.push(`EMULATOR_EXPRESS_SHAPE must be "object" or "array", got ${JSON.stringify(raw)}`);
  return undefined;
}
