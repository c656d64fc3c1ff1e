import { Authorized, Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../src/graphql/context";
import { App } from "../schema/app.type";

@Resolver(() => App)
export class AppResolver {
  @Authorized()
  @Query(() => [App], {
    description:
      "The Baidu apps the caller (API key or token) may act for. Needs no role: any authenticated caller.",
  })
  apps(@Ctx() context: GatewayContext): App[] {
    return [...context.apps.values()]
      .filter((app) => context.caller.mayActFor(app.appKey))
      .map(({ appKey, name }) => ({ appKey, name }));
  }
}
