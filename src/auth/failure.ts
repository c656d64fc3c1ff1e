/**
 * Why a request is not authenticated, and what the client is told (`extensions.reason` of
 * UNAUTHENTICATED). None repeats the key or token.
 */
export const AuthFailure = {
  NO_CREDENTIALS: "Send an API key or a token as `Authorization: Bearer <key or token>`",
  UNKNOWN_API_KEY: "The API key is not one this gateway knows",
  TOKENS_NOT_ACCEPTED:
    "This gateway takes API keys only: it trusts no identity provider (auth.jwt is not configured)",
  MALFORMED: "The token is not a well-formed JWT",
  EXPIRED: "The token has expired (exp)",
  NOT_YET_VALID: "The token is not valid yet (nbf)",
  WRONG_ISSUER: "The token comes from an issuer this gateway does not trust (iss)",
  WRONG_AUDIENCE: "The token is not meant for this gateway (aud)",
  BAD_SIGNATURE: "The token's signature does not verify",
  UNKNOWN_KEY: "The token is signed with a key its issuer does not publish (kid)",
  ALGORITHM_NOT_ALLOWED: "The token's algorithm (alg) is not one this gateway accepts",
  INVALID_CLAIM: "A claim the gateway needs is missing from the token or not valid",
  NOT_VERIFIED: "The token could not be verified",
  KEYS_UNAVAILABLE: "The identity provider's keys cannot be fetched now; try again later",
} as const;

export type AuthFailureReason = keyof typeof AuthFailure;

/**
 * A credential refused, with its reason. `claim` names the claim of an INVALID_CLAIM (a name, never
 * its value); `message` replaces the reason's usual text. The GraphQL layer turns it into
 * UNAUTHENTICATED (src/graphql/errors.ts).
 */
export class AuthenticationError extends Error {
  override readonly name = "AuthenticationError";
  readonly claim: string | undefined;

  constructor(
    readonly reason: AuthFailureReason,
    detail: { claim?: string; message?: string } = {},
  ) {
    super(
      detail.message ??
        (detail.claim
          ? `The token's "${detail.claim}" claim is missing or not valid`
          : AuthFailure[reason]),
    );
    this.claim = detail.claim || undefined;
  }
}

/** The refusal of a credential for `reason`. */
export const refuse = (
  reason: AuthFailureReason,
  detail?: { claim?: string; message?: string },
): AuthenticationError => new AuthenticationError(reason, detail);
