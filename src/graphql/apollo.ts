import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import type { DocumentNode, GraphQLSchema } from "graphql";
import type { GatewayConfig } from "../config/types";
import type { Logger } from "../ops/log";
import type { GatewayContext } from "./context";
import { schemaNames } from "./echo";
import { createFormatError } from "./errors";
import { limitRules } from "./limits";
import { createPlaygroundPlugin } from "./playground";
import { createProductionPagePlugin } from "./production-page";

export interface ApolloOptions {
  schema: GraphQLSchema;
  config: GatewayConfig;
  logger: Logger;
  /** Plugins of the gateway's own (metrics, the operation log). */
  plugins: ApolloServerPlugin<GatewayContext>[];
}

/** Apollo Server as the gateway runs it: limits, errors, document cache, landing page. */
export function createApollo({
  schema,
  config,
  logger,
  plugins,
}: ApolloOptions): ApolloServer<GatewayContext> {
  const development = config.mode === "development";
  return new ApolloServer<GatewayContext>({
    schema,
    formatError: createFormatError({ logger, development, schemaNames: schemaNames(schema) }),
    includeStacktraceInErrorResponses: development,
    introspection: development,
    hideSchemaDetailsFromClientErrors: !development,
    // Limits on what one request may ask (README, "Limits"); parsing stops at maxTokens.
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: limitRules(config.limits),
    // Parsed documents are kept by count and by an estimate of their heap size (about 40 bytes a
    // character of source), not Apollo's default, which counts only their JSON.
    documentStore: new InMemoryLRUCache<DocumentNode>({
      max: config.limits.documentCacheEntries,
      maxSize: config.limits.documentCacheBytes,
      sizeCalculation: (document) => Math.max(1, (document.loc?.end ?? 1000) * 40),
    }),
    // Automatic persisted queries would keep documents of their own: off.
    persistedQueries: false,
    // Shutdown is ours (main.ts): Apollo's own signal handlers would stop it before requests in
    // flight finish.
    stopOnTerminationSignals: false,
    // Apollo's own messages go through our logger, which redacts secrets like every other line.
    logger: {
      debug: (m) => logger.debug(String(m)),
      info: (m) => logger.info(String(m)),
      warn: (m) => logger.warn(String(m)),
      error: (m) => logger.error(String(m)),
    },
    plugins: [
      // What a browser opening /graphql sees: an offline GraphiQL, or where the API and docs are.
      development ? createPlaygroundPlugin(config) : createProductionPagePlugin(),
      ...plugins,
    ],
  });
}
