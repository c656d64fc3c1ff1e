import type { Clock } from "../clock";
import type { IssuedToken } from "./decode";

/**
 * One cached access token per app, refreshed shortly before `expires_in` runs out, with one fetch
 * in flight per app however many calls wait for it.
 */
export class TokenCache {
  private readonly cached = new Map<string, { token: string; refreshAt: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly fetchToken: (appKey: string) => Promise<IssuedToken>,
    private readonly clock: Clock,
  ) {}

  get(appKey: string): Promise<string> {
    const hit = this.cached.get(appKey);
    if (hit && this.clock.now() < hit.refreshAt) return Promise.resolve(hit.token);
    return this.inFlight.get(appKey) ?? this.refresh(appKey);
  }

  /** Drops the token Baidu rejected; a token fetched since then by another call is kept. */
  invalidate(appKey: string, rejected: string): void {
    if (this.cached.get(appKey)?.token === rejected) this.cached.delete(appKey);
  }

  private refresh(appKey: string): Promise<string> {
    const pending = this.fetchToken(appKey)
      .then(({ token, expiresInSeconds }) => {
        this.cached.set(appKey, { token, refreshAt: this.clock.now() + refreshLeadMs(expiresInSeconds) });
        return token;
      })
      .finally(() => this.inFlight.delete(appKey));
    this.inFlight.set(appKey, pending);
    return pending;
  }
}

/** Refresh a minute early, or a tenth of the lifetime early for short-lived tokens. */
function refreshLeadMs(expiresInSeconds: number): number {
  const lifetimeMs = expiresInSeconds * 1000;
  return lifetimeMs - Math.min(60_000, lifetimeMs / 10);
}
