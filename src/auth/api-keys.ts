import { createHash } from "node:crypto";
import type { ApiKeyConfig } from "../config/types";
import { createCaller, type Caller } from "./caller";
import { ALL_ROLES } from "./roles";

export type { Caller } from "./caller";

/**
 * Accepted only while the gateway runs against its in-process emulator (never with real Baidu
 * apps).
 */
export const DEV_API_KEY = "dev-only-key-for-the-local-emulator";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Looks callers up by the SHA-256 of their bearer key; keys themselves are never held. */
export class ApiKeys {
  private readonly byHash: ReadonlyMap<string, Caller>;

  constructor(keys: readonly ApiKeyConfig[]) {
    this.byHash = new Map(
      keys.map((key) => [key.sha256, createCaller(key.name, key.apps, key.roles ?? ALL_ROLES)]),
    );
  }

  /** The caller whose key this is, or undefined. */
  find(key: string): Caller | undefined {
    return this.byHash.get(sha256Hex(key));
  }
}
