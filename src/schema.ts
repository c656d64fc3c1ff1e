import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { AfterSaleResolver } from "../resolvers/after-sale.resolver";
import { AppResolver } from "../resolvers/app.resolver";
import { authChecker } from "../resolvers/auth-checker";
import { OrderResolver } from "../resolvers/order.resolver";
import { OrderWriteResultResolver } from "../resolvers/result.resolver";

/** The path of the committed SDL, emitted from the classes by `npm run schema`. */
export const SCHEMA_FILE = "schema/schema.graphql";

/** Builds the executable schema; validation (class-validator) is on for every input. */
export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [OrderResolver, AfterSaleResolver, AppResolver, OrderWriteResultResolver],
    authChecker,
    validate: { forbidUnknownValues: false, skipMissingProperties: false, validationError: { target: false, value: false } },
  });
}
