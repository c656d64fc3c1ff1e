import { createHash } from "node:crypto";
import type { ApiKeyConfig } from "../config/types";

/**
 * Accepted only while the gateway runs against its in-process emulator (never with real Baidu
 * apps).
 */
export const DEV_API_KEY = "dev-only-key-for-the-local-emulator";

/** An authenticated caller of the gateway and the Baidu apps it may write to. */
export interface Caller {
  name: string;
  mayWrite(appKey: string): boolean;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Looks callers up by the SHA-256 of their bearer key; keys themselves are never held. */
export class ApiKeys {
  private readonly byHash: ReadonlyMap<string, Caller>;

  constructor(keys: readonly ApiKeyConfig[]) {
    this.byHash = new Map(
      keys.map((key) => {
        const apps = new Set(key.apps);
        const caller: Caller = {
          name: key.name,
          mayWrite: (appKey) => apps.has("*") || apps.has(appKey),
        };
        return [key.sha256, caller];
      }),
    );
  }

  /**
   * The caller behind an `Authorization` header, or undefined for a missing, malformed or unknown
   * key.
   */
  authenticate(header: string | undefined): Caller | undefined {
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    return match?.[1] ? this.byHash.get(sha256Hex(match[1])) : undefined;
  }
}
