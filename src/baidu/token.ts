import type { Clock } from "../lib/clock";
import { holdSecret } from "../ops/log";
import type { IssuedToken } from "./decode";

/**
 * A token as the shared store keeps it: sealed text, and when to refresh it (ms since the epoch).
 */
export interface StoredToken {
  sealed: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * Where the processes of one deployment find each app's token of record (`src/store/tokens.ts`
 * keeps it in the ledger's database).
 */
export interface TokenStore {
  /**
   * The token of record when `usable` accepts it. Otherwise checks again with the other processes
   * kept out, and replaces it with what `fetch` brings: one fetch for everybody.
   */
  obtain(
    appKey: string,
    usable: (stored: StoredToken) => boolean,
    fetch: () => Promise<StoredToken>,
  ): Promise<StoredToken>;
}

/** Turns a token into text that is useless without the app's secret, and back. */
export interface TokenSeal {
  seal(appKey: string, token: string): string;
  /** Undefined when the text was sealed with another secret (the app secret was rotated). */
  open(appKey: string, sealed: string): string | undefined;
}

/**
 * For one process on its own: the cache's one fetch in flight per app is all the locking there is.
 */
export function memoryTokenStore(): TokenStore {
  const tokens = new Map<string, StoredToken>();
  return {
    async obtain(appKey, usable, fetch) {
      const current = tokens.get(appKey);
      if (current && usable(current)) return current;
      const fresh = await fetch();
      tokens.set(appKey, fresh);
      return fresh;
    },
  };
}

const PLAIN: TokenSeal = { seal: (_appKey, token) => token, open: (_appKey, sealed) => sealed };

/**
 * One access token per app, shared through `store` with the other processes, refreshed shortly
 * before `expires_in` runs out, with one fetch in flight per app in this process however many calls
 * wait for it. A token Baidu rejected is replaced once, by whichever process gets there first.
 */
export class TokenCache {
  private readonly cached = new Map<string, { token: string; refreshAt: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly rejected = new Map<string, string>();

  constructor(
    private readonly fetchToken: (appKey: string) => Promise<IssuedToken>,
    private readonly clock: Clock,
    private readonly store: TokenStore = memoryTokenStore(),
    private readonly sealer: TokenSeal = PLAIN,
  ) {}

  get(appKey: string): Promise<string> {
    const hit = this.cached.get(appKey);
    if (hit && this.clock.now() < hit.refreshAt) return Promise.resolve(hit.token);
    return this.inFlight.get(appKey) ?? this.load(appKey);
  }

  /** Drops the token Baidu rejected; a token obtained since then by another call is kept. */
  invalidate(appKey: string, rejected: string): void {
    this.rejected.set(appKey, rejected);
    if (this.cached.get(appKey)?.token === rejected) this.cached.delete(appKey);
  }

  private load(appKey: string): Promise<string> {
    const rejected = this.rejected.get(appKey);
    const usable = (stored: StoredToken) => {
      const token = this.sealer.open(appKey, stored.sealed);
      return token !== undefined && token !== rejected && this.clock.now() < stored.refreshAt;
    };
    const pending = this.store
      .obtain(appKey, usable, () => this.fetch(appKey))
      .then((stored) => {
        const token = this.sealer.open(appKey, stored.sealed);
        if (token === undefined)
          throw new Error(`The stored access token of app ${appKey} cannot be opened`);
        // Redacted by value as well as by shape, whatever shape Baidu's tokens come to have.
        holdSecret(token, `token:${appKey}`);
        this.cached.set(appKey, { token, refreshAt: stored.refreshAt });
        return token;
      })
      .finally(() => this.inFlight.delete(appKey));
    this.inFlight.set(appKey, pending);
    return pending;
  }

  private async fetch(appKey: string): Promise<StoredToken> {
    const { token, expiresInSeconds } = await this.fetchToken(appKey);
    const now = this.clock.now();
    const lifetimeMs = expiresInSeconds * 1000;
    return {
      sealed: this.sealer.seal(appKey, token),
      refreshAt: now + lifetimeMs - refreshLeadMs(lifetimeMs),
      expiresAt: now + lifetimeMs,
    };
  }
}

/** Refresh a minute early, or a tenth of the lifetime early for short-lived tokens. */
function refreshLeadMs(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 10);
}
