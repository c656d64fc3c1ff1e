import type { GraphQLError } from "graphql";
import { unauthenticated } from "../graphql/errors";
import { KeysUnavailableError } from "./jwks";

/**
 * jose's refusal of a token as the client's UNAUTHENTICATED reason (jose's `code` and, for a claim,
 * `claim`: https://github.com/panva/jose/blob/main/docs/util/errors/README.md). Undefined for an
 * error that is no verdict on the token.
 */
export function toAuthFailure(error: unknown): GraphQLError | undefined {
  if (error instanceof KeysUnavailableError) return unauthenticated("KEYS_UNAVAILABLE");
  const { code, claim } = error as { code?: unknown; claim?: unknown };
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return unauthenticated("EXPIRED");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "iss") return unauthenticated("WRONG_ISSUER");
      if (claim === "aud") return unauthenticated("WRONG_AUDIENCE");
      if (claim === "nbf" && (error as { reason?: unknown }).reason === "check_failed")
        return unauthenticated("NOT_YET_VALID");
      return unauthenticated("INVALID_CLAIM", { claim: typeof claim === "string" ? claim : "" });
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return unauthenticated("BAD_SIGNATURE");
    case "ERR_JWKS_NO_MATCHING_KEY":
      return unauthenticated("UNKNOWN_KEY");
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return unauthenticated("ALGORITHM_NOT_ALLOWED");
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
    case "ERR_JOSE_NOT_SUPPORTED":
      return unauthenticated("MALFORMED");
    default:
      return undefined;
  }
}
