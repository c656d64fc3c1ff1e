import {
  createLocalJWKSet,
  errors,
  jwtVerify,
  type JWK,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from "jose";
import type { webcrypto } from "node:crypto";
import type { JwtConfig } from "../config/types";
import { refuse } from "./failure";
import type { Clock } from "../lib/clock";
import type { Logger } from "../ops/log";
import type { Caller } from "./caller";
import { createRemoteKeySet } from "./jwks";
import { toCaller } from "./jwt-claims";
import { toAuthFailure } from "./jwt-failure";

/** Checks the tokens of one issuer. */
export interface TokenVerifier {
  /** The caller the token stands for, or an AuthenticationError with the reason (not the token). */
  verify(token: string): Promise<Caller>;
}

export interface VerifierOptions {
  clock: Clock;
  logger: Logger;
  /** Refuse tokens issued (`iat`) longer ago than this; `iat` is then required. */
  maxTokenAgeSeconds?: number;
}

export function createJwtVerifier(config: JwtConfig, options: VerifierOptions): TokenVerifier {
  const { clock, logger } = options;
  const keys: JWTVerifyGetKey = config.jwksUrl
    ? createRemoteKeySet({
        url: config.jwksUrl,
        cooldownMs: config.jwksCooldownMs,
        maxAgeMs: config.jwksMaxAgeMs,
        timeoutMs: config.jwksTimeoutMs,
        clock,
        logger,
      })
    : createLocalJWKSet({ keys: config.publicKeys as JWK[] });
  return {
    async verify(token) {
      const verifyOptions: JWTVerifyOptions = {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        clockTolerance: config.clockToleranceSeconds,
        currentDate: new Date(clock.now()),
        requiredClaims: ["exp", "sub"],
        ...(options.maxTokenAgeSeconds === undefined
          ? {}
          : { maxTokenAge: options.maxTokenAgeSeconds }),
      };
      let payload;
      try {
        ({ payload } = await verifyWithEither(token, keys, verifyOptions));
      } catch (error) {
        const failure = toAuthFailure(error);
        if (failure) throw failure;
        // jose's own errors carry the claims (`payload`): only the class and message are logged.
        logger.warn("A token could not be verified", {
          issuer: config.issuer,
          error: { name: (error as Error).name, message: (error as Error).message },
        });
        throw refuse("NOT_VERIFIED");
      }
      return toCaller(payload, config);
    },
  };
}

/**
 * jose leaves it to its caller when several keys fit a token that names none (`kid`): each is
 * tried, and the token is refused only if none verifies it.
 */
async function verifyWithEither(
  token: string,
  keys: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): ReturnType<typeof jwtVerify> {
  try {
    return await jwtVerify(token, keys, options);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ERR_JWKS_MULTIPLE_MATCHING_KEYS") throw error;
    for await (const key of error as AsyncIterable<webcrypto.CryptoKey>) {
      try {
        return await jwtVerify(token, key, options);
      } catch (failure) {
        // The signature verified with this key and the claims were refused: that is the verdict.
        if ((failure as { code?: unknown }).code !== "ERR_JWS_SIGNATURE_VERIFICATION_FAILED")
          throw failure;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}
