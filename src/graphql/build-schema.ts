import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { AfterSaleResolver } from "../../resolvers/after-sale.resolver";
import { AppResolver } from "../../resolvers/app.resolver";
import { authChecker } from "../../resolvers/auth-checker";
import { DeliveryResolver } from "../../resolvers/delivery.resolver";
import { LedgerOrderResolver } from "../../resolvers/ledger-order.resolver";
import { OrderResolver } from "../../resolvers/order.resolver";
import { OrderWriteResultResolver } from "../../resolvers/result.resolver";
import { memoizeRuleLookup, validateInput } from "./validate-input";

/** The path of the committed SDL, emitted from the classes by `npm run schema`. */
export const SCHEMA_FILE = "schema/schema.graphql";

/**
 * Builds the executable schema; every input is validated with its class-validator rules before a
 * resolver runs.
 */
export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      OrderResolver,
      AfterSaleResolver,
      AppResolver,
      OrderWriteResultResolver,
      DeliveryResolver,
      LedgerOrderResolver,
    ],
    authChecker,
    validateFn: validateInput,
  });
  memoizeRuleLookup();
  return schema;
}
