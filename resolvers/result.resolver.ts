import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../src/graphql/context";
import { App } from "../schema/app.type";
import { OrderWriteResult } from "../schema/request.type";
import { appLoader } from "./app-loader";

@Resolver(() => OrderWriteResult)
export class OrderWriteResultResolver {
  @FieldResolver(() => App, {
    nullable: true,
    description:
      "The configured app that Baidu's `biz_app_id` names; null if the gateway does not know it.",
  })
  app(@Root() result: OrderWriteResult, @Ctx() context: GatewayContext): Promise<App | null> {
    return appLoader(context).load(result.appKey);
  }

  @FieldResolver(() => Boolean, {
    description:
      "Whether Baidu's answer named this order. False when it left the order out (errno 0 with fewer results than orders): the gateway then reports the order as not applied, since Baidu said nothing about it.",
  })
  reportedByBaidu(@Root() result: OrderWriteResult): boolean {
    // Results kept before the field existed were all Baidu's own.
    return result.reportedByBaidu !== false;
  }
}
