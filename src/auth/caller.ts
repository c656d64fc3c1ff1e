import type { Role } from "./roles";

/** An authenticated caller of the gateway: an API key or a signed-in user's token. */
export interface Caller {
  /** Names the caller in logs and the ledger: the API key's name, or `jwt:<subject>`. */
  name: string;
  /** The caller may act for this Baidu app (its apps name it, or `*`). */
  mayActFor(appKey: string): boolean;
  hasRole(role: Role): boolean;
}

/** A caller who may act for `apps` (app keys, or `*` for every app) in the given roles. */
export function createCaller(name: string, apps: Iterable<string>, roles: Iterable<Role>): Caller {
  const appSet = new Set(apps);
  const roleSet = new Set(roles);
  const mayActFor = (appKey: string) => appSet.has("*") || appSet.has(appKey);
  return { name, mayActFor, hasRole: (role) => roleSet.has(role) };
}
