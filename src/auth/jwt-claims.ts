import type { JWTPayload } from "jose";
import type { ClaimPath, JwtConfig } from "../config/types";
import { refuse } from "./failure";
import { createCaller, type Caller } from "./caller";
import { isRole, type Role } from "./roles";

/** Longest `sub` taken as the caller's name (it goes into every log line and the ledger). */
const MAX_SUBJECT_LENGTH = 255;

/** Control, format (bidi overrides, zero-width) and line-separator characters: refused in `sub`. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The caller a verified token stands for: `jwt:<sub>`, with the apps and roles its claims give. */
export function toCaller(payload: JWTPayload, config: JwtConfig): Caller {
  const { sub } = payload;
  if (
    typeof sub !== "string" ||
    sub.trim() === "" ||
    sub.length > MAX_SUBJECT_LENGTH ||
    INVISIBLE.test(sub)
  )
    throw refuse("INVALID_CLAIM", { claim: "sub" });
  // "*" (every app, and every app added later) only where the configuration allows it.
  const apps = claimValues(payload, config.claims.apps).filter(
    (app) => app !== "*" || config.allowAllApps,
  );
  const values = claimValues(payload, config.claims.roles);
  const { roleMap } = config;
  // Values the gateway does not know (a provider's other permissions) grant nothing.
  const roles: Role[] = roleMap
    ? values.flatMap((value) => (Object.hasOwn(roleMap, value) ? (roleMap[value] ?? []) : []))
    : values.filter(isRole);
  return createCaller(`jwt:${sub}`, apps, roles);
}

/**
 * A claim's values: a list of strings, or one string of space-separated values (as OAuth's `scope`
 * is). A missing claim gives none; any other shape is refused, naming the claim.
 */
function claimValues(payload: JWTPayload, path: ClaimPath): string[] {
  let value: unknown = payload;
  for (const name of path)
    value =
      typeof value === "object" && value !== null && Object.hasOwn(value, name)
        ? (value as Record<string, unknown>)[name]
        : undefined;
  if (value === undefined) return [];
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  throw refuse("INVALID_CLAIM", { claim: path.join(".") });
}
