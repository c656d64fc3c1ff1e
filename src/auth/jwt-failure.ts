import { refuse, type AuthenticationError } from "./failure";
import { KeysUnavailableError } from "./jwks";

/**
 * jose's refusal of a token as an AuthenticationError's reason (jose's `code` and, for a claim,
 * `claim`: https://github.com/panva/jose/blob/main/docs/util/errors/README.md). Undefined for an
 * error that is no verdict on the token.
 */
export function toAuthFailure(error: unknown): AuthenticationError | undefined {
  if (error instanceof KeysUnavailableError) return refuse("KEYS_UNAVAILABLE");
  const { code, claim } = error as { code?: unknown; claim?: unknown };
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return refuse("EXPIRED");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "iss") return refuse("WRONG_ISSUER");
      if (claim === "aud") return refuse("WRONG_AUDIENCE");
      if (claim === "nbf" && (error as { reason?: unknown }).reason === "check_failed")
        return refuse("NOT_YET_VALID");
      return refuse("INVALID_CLAIM", { claim: typeof claim === "string" ? claim : "" });
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return refuse("BAD_SIGNATURE");
    case "ERR_JWKS_NO_MATCHING_KEY":
      return refuse("UNKNOWN_KEY");
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return refuse("ALGORITHM_NOT_ALLOWED");
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
    case "ERR_JOSE_NOT_SUPPORTED":
      return refuse("MALFORMED");
    default:
      return undefined;
  }
}
