import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../src/context";
import { App } from "../schema/app.type";
import { OrderWriteResult } from "../schema/request.type";
import { appLoader } from "./app-loader";

@Resolver(() => OrderWriteResult)
export class OrderWriteResultResolver {
  @FieldResolver(() => App, { nullable: true, description: "The configured app that Baidu's `biz_app_id` names; null if the gateway does not know it." })
  app(@Root() result: OrderWriteResult, @Ctx() context: GatewayContext): Promise<App | null> {
    return appLoader(context).load(result.appKey);
  }
}
