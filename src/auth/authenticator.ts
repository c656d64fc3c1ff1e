import { decodeJwt } from "jose";
import type { GatewayConfig } from "../config/types";
import { refuse } from "./failure";
import { systemClock, type Clock } from "../lib/clock";
import type { Logger } from "../ops/log";
import { ApiKeys } from "./api-keys";
import type { Caller } from "./caller";
import { DEV_TOKEN_ISSUER, DEV_TOKEN_MAX_LIFETIME_SECONDS, devTokenConfig } from "./dev-token";
import { createJwtVerifier, type TokenVerifier } from "./jwt-verifier";

/** Who is calling, from the request's `Authorization` header. */
export interface Authenticator {
  /** The caller, or an AuthenticationError saying why there is none. */
  authenticate(header: string | undefined): Promise<Caller>;
}

export interface AuthenticatorOptions {
  /** Judges tokens' `exp`, `nbf` and `iat`, and when the provider's keys are fetched again. */
  clock?: Clock;
  /** Where a provider's unreachable keys are reported (never a token). */
  logger?: Logger;
}

/** A JWT in compact form: three base64url parts (the last empty for an unsigned one). */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * API keys first (a lookup by hash), then JWTs, each checked by the verifier of its issuer: the
 * configured provider's (`auth.jwt`), and with the emulator in development mode the development
 * tokens' (`npm run dev-token`).
 */
export function createAuthenticator(
  config: GatewayConfig,
  { clock = systemClock, logger = SILENT }: AuthenticatorOptions = {},
): Authenticator {
  const apiKeys = new ApiKeys(config.apiKeys);
  const verifiers = new Map<string, TokenVerifier>();
  if (config.auth.jwt)
    verifiers.set(config.auth.jwt.issuer, createJwtVerifier(config.auth.jwt, { clock, logger }));
  if (config.mode === "development" && config.emulator)
    verifiers.set(
      DEV_TOKEN_ISSUER,
      createJwtVerifier(devTokenConfig(), {
        clock,
        logger,
        maxTokenAgeSeconds: DEV_TOKEN_MAX_LIFETIME_SECONDS,
      }),
    );
  return {
    async authenticate(header) {
      const credential = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (!credential) throw refuse("NO_CREDENTIALS");
      const caller = apiKeys.find(credential);
      if (caller) return caller;
      if (!JWT_SHAPE.test(credential)) throw refuse("UNKNOWN_API_KEY");
      // The issuer, read before the signature is checked, only picks the verifier (which checks
      // it again): a token of an unknown issuer costs no key lookup.
      const issuer = unverifiedIssuer(credential);
      const verifier = verifiers.get(issuer);
      if (verifier) return verifier.verify(credential);
      if (issuer === DEV_TOKEN_ISSUER)
        throw refuse("WRONG_ISSUER", {
          message:
            "Development tokens are accepted only by a gateway in development mode with its emulator",
        });
      throw refuse(verifiers.size === 0 ? "TOKENS_NOT_ACCEPTED" : "WRONG_ISSUER");
    },
  };
}

function unverifiedIssuer(token: string): string {
  let iss: unknown;
  try {
    ({ iss } = decodeJwt(token));
  } catch {
    throw refuse("MALFORMED");
  }
  return typeof iss === "string" ? iss : "";
}
