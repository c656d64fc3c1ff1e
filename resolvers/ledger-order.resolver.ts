import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../src/graphql/context";
import { forbiddenApp } from "../src/graphql/errors";
import { AuthorizedField, READS_LEDGER } from "./auth-checker";
import { DeliveryConnection } from "../schema/delivery.type";
import { Order } from "../schema/ledger-order.type";
import { toOrderView } from "./delivery.mapping";
import { deliveryPage, PageArgs } from "./delivery.resolver";
import { orderKey } from "../src/store/records";
import { ledgerLoaders } from "./ledger-loaders";

@Resolver(() => Order)
export class LedgerOrderResolver {
  @AuthorizedField("Query", READS_LEDGER)
  @Query(() => Order, {
    nullable: true,
    description:
      "What the gateway last delivered to Baidu for one order, with its delivery history; null if the gateway never accepted a write for it. Needs the role `ledger:read`, and `appKey` among the apps the caller may act for.",
  })
  async order(
    @Arg("appKey") appKey: string,
    @Arg("resourceId") resourceId: string,
    @Ctx() context: GatewayContext,
  ): Promise<Order | null> {
    if (!context.caller.mayActFor(appKey)) throw forbiddenApp("appKey");
    const order = await ledgerLoaders(context).orders.load(orderKey(appKey, resourceId));
    return order ? toOrderView(order) : null;
  }

  @AuthorizedField("Order", READS_LEDGER)
  @FieldResolver(() => DeliveryConnection, {
    description:
      "Every delivery that touched this order, newest first. Needs the role `ledger:read`.",
  })
  deliveries(
    @Root() order: Order,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() context: GatewayContext,
  ): Promise<DeliveryConnection> {
    return deliveryPage(context, { appKey: order.appKey, resourceId: order.resourceId }, page);
  }
}
