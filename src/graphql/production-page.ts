import type { ApolloServerPlugin } from "@apollo/server";
import { landingPagePlugin, readStatic } from "./static-page";

/**
 * The production landing page: a browser opening `/graphql` learns where the API is, that the
 * playground is off, and where the docs are (instead of Apollo's CSRF error in JSON). Requests that
 * do not ask for HTML keep Apollo's answers.
 */
export function createProductionPagePlugin(): ApolloServerPlugin {
  const html = readStatic("production.html");
  return landingPagePlugin(() => html);
}
