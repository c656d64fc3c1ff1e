import type { AuthChecker } from "type-graphql";
import type { GatewayContext } from "../src/graphql/context";
import { forbidden } from "../src/graphql/errors";
import { badInput } from "./ledger-errors";

/** Role for mutations that write to the Baidu app named by `input.appKey`. */
export const WRITES_APP = "WRITES_APP";

/**
 * The context already holds an authenticated caller; writes also need the caller to be allowed the
 * app.
 */
export const authChecker: AuthChecker<GatewayContext> = ({ context, args }, roles) => {
  if (!roles.includes(WRITES_APP)) return true;
  const appKey = String((args.input as { appKey?: unknown } | undefined)?.appKey ?? "");
  if (!context.caller.mayWrite(appKey)) throw forbidden();
  if (!context.apps.has(appKey))
    throw badInput("input.appKey", "no Baidu app with this key is configured in the gateway");
  return true;
};
