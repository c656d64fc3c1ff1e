import type { GatewayConfig } from "../config/types";
import { unauthenticated } from "../graphql/errors";
import { ApiKeys, type Caller } from "./api-keys";

/** Who is calling, from the request's `Authorization` header. */
export interface Authenticator {
  /** The caller, or a GraphQL UNAUTHENTICATED error saying why there is none. */
  authenticate(header: string | undefined): Promise<Caller>;
}

export function createAuthenticator(config: GatewayConfig): Authenticator {
  const apiKeys = new ApiKeys(config.apiKeys);
  return {
    async authenticate(header) {
      const caller = apiKeys.authenticate(header);
      if (!caller) throw unauthenticated();
      return caller;
    },
  };
}
