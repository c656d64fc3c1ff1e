import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import type { Clock } from "../lib/clock";
import type { Logger } from "../ops/log";

/** No key set has been fetched yet, and the provider cannot be reached now. */
export class KeysUnavailableError extends Error {
  readonly name = "KeysUnavailableError";
}

export interface RemoteKeySetOptions {
  url: string;
  /** Fetches of the set (for a key it lacks, or a failed one) are at least this far apart. */
  cooldownMs: number;
  /** A set this old is fetched again before use; if that fails, the last good set is used. */
  maxAgeMs: number;
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
}

/**
 * The provider's published keys for jose's `jwtVerify`, held between requests. Unlike jose's
 * `createRemoteJWKSet`, its time comes from the gateway's Clock, and a failed fetch keeps the last
 * good set: a provider outage does not sign everyone out.
 */
export function createRemoteKeySet(options: RemoteKeySetOptions): JWTVerifyGetKey {
  const { clock, logger } = options;
  let local: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt = -Infinity;
  let triedAt = -Infinity;
  let pending: Promise<void> | undefined;

  const coolingDown = () => clock.now() - triedAt < options.cooldownMs;
  const stale = () => clock.now() - fetchedAt >= options.maxAgeMs;
  const load = async () => {
    triedAt = clock.now();
    try {
      local = createLocalJWKSet(await fetchKeySet(options.url, options.timeoutMs));
      fetchedAt = clock.now();
    } catch (error) {
      logger.warn(
        local
          ? "The identity provider's keys could not be fetched; the last ones fetched are kept"
          : "The identity provider's keys could not be fetched; tokens are refused until they are",
        { jwksUrl: options.url, error: describeFetchError(error) },
      );
    }
  };
  /** Waits for the fetch in flight, or starts one unless one was tried within the cooldown. */
  const refresh = async (): Promise<void> => {
    if (!pending && coolingDown()) return;
    pending ??= load().finally(() => (pending = undefined));
    await pending;
  };

  return async (header, token) => {
    // With keys in hand, a stale set is refreshed beside the request, not before it: a provider
    // that hangs must not hold every request for the fetch's timeout.
    if (!local) await refresh();
    else if (stale()) void refresh();
    if (!local) throw new KeysUnavailableError("no keys");
    try {
      return await local(header, token);
    } catch (error) {
      // A key the set lacks: the provider may have rotated its keys since the set was fetched.
      if ((error as { code?: unknown }).code !== "ERR_JWKS_NO_MATCHING_KEY") throw error;
      const before = local;
      await refresh();
      if (local === before) throw error;
      return local(header, token);
    }
  };
}

/** The set as the provider sent it; createLocalJWKSet checks its shape. */
async function fetchKeySet(url: string, timeoutMs: number): Promise<JSONWebKeySet> {
  const response = await fetch(url, {
    headers: { accept: "application/jwk-set+json, application/json" },
    redirect: "error",
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status !== 200) throw new Error(`the JWKS URL answered HTTP ${response.status}`);
  return (await response.json()) as JSONWebKeySet;
}

/** What went wrong, without the stack: the provider's fault, not the gateway's. */
function describeFetchError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return {
    name: error.name,
    message: error.message,
    ...(typeof cause?.code === "string" ? { code: cause.code } : {}),
  };
}
