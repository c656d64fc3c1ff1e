import type { GraphQLResolveInfo } from "graphql";
import type { AuthChecker } from "type-graphql";
import { Role } from "../src/auth/roles";
import type { GatewayContext } from "../src/graphql/context";
import { forbiddenApp, forbiddenRole } from "../src/graphql/errors";
import { badInput } from "./ledger-errors";

/**
 * For the seven write mutations: the caller needs the role `orders:write` and may act for the
 * Baidu app named by `input.appKey`, which the gateway must hold.
 */
export const WRITES_APP = "WRITES_APP";

/** The ledger's reads (the apps a caller sees are those it may act for: see ledger-loaders.ts). */
export const READS_LEDGER = Role.READ_LEDGER;

/** retryDelivery and cancelDelivery. */
export const OPERATES_DELIVERIES = Role.OPERATE_DELIVERIES;

/**
 * The context already holds an authenticated caller (API key or token); `@Authorized()` needs no
 * more. Each role named in `@Authorized(...)` must be the caller's; the role is named in the
 * refusal, the app (the caller's input) is not.
 */
export const authChecker: AuthChecker<GatewayContext> = ({ context, args, info }, roles) => {
  for (const role of roles) {
    const needed = role === WRITES_APP ? Role.WRITE_ORDERS : (role as Role);
    if (!context.caller.hasRole(needed)) throw forbiddenRole(needed, fieldOf(info));
  }
  if (!roles.includes(WRITES_APP)) return true;
  const appKey = String((args.input as { appKey?: unknown } | undefined)?.appKey ?? "");
  if (!context.caller.mayActFor(appKey)) throw forbiddenApp("input.appKey");
  if (!context.apps.has(appKey))
    throw badInput("input.appKey", "no Baidu app with this key is configured in the gateway");
  return true;
};

/** `importOrder` for an operation, `Delivery.orders` for a field of a type. */
function fieldOf(info: GraphQLResolveInfo): string {
  const root = [info.schema.getQueryType(), info.schema.getMutationType()].includes(
    info.parentType,
  );
  return root ? info.fieldName : `${info.parentType.name}.${info.fieldName}`;
}
