import type { ApolloServerPlugin } from "@apollo/server";
import { unauthorizedField } from "../../resolvers/auth-checker";
import type { GatewayContext } from "./context";

/**
 * Refuses an operation that selects a field the caller lacks the role for, before any of it runs:
 * otherwise a write would be accepted and sent, and its answer still say FORBIDDEN.
 */
export function fieldRolesPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, contextValue }) {
          const refused = unauthorizedField(schema, document, contextValue.caller);
          if (refused) throw refused;
        },
      };
    },
  };
}
