import DataLoader from "dataloader";
import type { GatewayContext } from "../src/graphql/context";
import type { App } from "../schema/app.type";

const loaders = new WeakMap<GatewayContext, DataLoader<string, App | null>>();

/**
 * One loader per request, made only when a query asks for apps by key: every result of a batch
 * write naming the same app resolves to one lookup, and a caller sees only apps it may write to.
 */
export function appLoader(context: GatewayContext): DataLoader<string, App | null> {
  let loader = loaders.get(context);
  if (!loader) {
    loader = new DataLoader(async (appKeys: readonly string[]) =>
      appKeys.map((appKey) => {
        const app = context.apps.get(appKey);
        return app && context.caller.mayActFor(appKey)
          ? { appKey: app.appKey, name: app.name }
          : null;
      }),
    );
    loaders.set(context, loader);
  }
  return loader;
}
