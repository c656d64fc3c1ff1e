import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../src/graphql/context";
import {
  AppendAfterSaleOrdersPayload,
  UpdateAfterSaleOrderPayload,
  UpdateAfterSaleOrderStatusPayload,
} from "../schema/payload.type";
import {
  AppendAfterSaleOrdersInput,
  UpdateAfterSaleOrderInput,
  UpdateAfterSaleOrderStatusInput,
} from "../schema/write.input";
import { toAfterSaleBody, toAfterSaleStatusBody } from "./after-sale.mapping";
import { WRITES_APP } from "./auth-checker";
import { write } from "./write";

@Resolver()
export class AfterSaleResolver {
  @Authorized(WRITES_APP)
  @Mutation(() => AppendAfterSaleOrdersPayload, {
    description:
      "Adds after-sale orders to an imported order (导入售后订单信息). Not replayed after an unknown outcome, since a replay would add them twice. Needs the role `orders:write`, and `input.appKey` among the apps the caller may act for.",
  })
  appendAfterSaleOrders(
    @Arg("input") input: AppendAfterSaleOrdersInput,
    @Ctx() context: GatewayContext,
  ): Promise<AppendAfterSaleOrdersPayload> {
    return write(context, "appendSubInfo", input, toAfterSaleBody(input, context.wire));
  }

  @Authorized(WRITES_APP)
  @Mutation(() => UpdateAfterSaleOrderPayload, {
    description:
      "Replaces ALL after-sale info of an order with the given info (更新售后订单信息). Every subOrderId must already exist at Baidu. Needs the role `orders:write`, and `input.appKey` among the apps the caller may act for.",
  })
  updateAfterSaleOrder(
    @Arg("input") input: UpdateAfterSaleOrderInput,
    @Ctx() context: GatewayContext,
  ): Promise<UpdateAfterSaleOrderPayload> {
    return write(context, "updateSubInfo", input, toAfterSaleBody(input, context.wire));
  }

  @Authorized(WRITES_APP)
  @Mutation(() => UpdateAfterSaleOrderStatusPayload, {
    description:
      "Sets the status of existing after-sale orders (更新售后订单状态). Needs the role `orders:write`, and `input.appKey` among the apps the caller may act for.",
  })
  updateAfterSaleOrderStatus(
    @Arg("input") input: UpdateAfterSaleOrderStatusInput,
    @Ctx() context: GatewayContext,
  ): Promise<UpdateAfterSaleOrderStatusPayload> {
    return write(context, "updateSubStatus", input, toAfterSaleStatusBody(input));
  }
}
