import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../src/graphql/context";
import {
  ImportOrderPayload,
  UpdateOrderInfoPayload,
  UpdateOrderLogisticsPayload,
  UpdateOrderStatusPayload,
} from "../schema/payload.type";
import {
  ImportOrderInput,
  UpdateOrderInfoInput,
  UpdateOrderLogisticsInput,
  UpdateOrderStatusInput,
} from "../schema/write.input";
import { WRITES_APP } from "./auth-checker";
import { badInput } from "./ledger-errors";
import {
  toImportOrderBody,
  toLogisticsBody,
  toUpdateOrderInfoBody,
  toUpdateOrderStatusBody,
} from "./order.mapping";
import { write } from "./write";

@Resolver()
export class OrderResolver {
  @Authorized(WRITES_APP)
  @Mutation(() => ImportOrderPayload, {
    description:
      "Pushes a paid order into Baidu's order center (导入订单信息). Overwrites an existing order with the same resourceId, after-sale info included: use the update mutations for changes. Needs the role `orders:write`, and `input.appKey` among the apps the caller may act for.",
  })
  importOrder(
    @Arg("input") input: ImportOrderInput,
    @Ctx() context: GatewayContext,
  ): Promise<ImportOrderPayload> {
    return write(context, "addMainInfo", input, toImportOrderBody(input, context.wire));
  }

  @Authorized(WRITES_APP)
  @Mutation(() => UpdateOrderInfoPayload, {
    description:
      "Replaces an existing order's main info: products, payment, links, status (更新订单信息). Needs the role `orders:write`, and `input.appKey` among the apps the caller may act for.",
  })
  updateOrderInfo(
    @Arg("input") input: UpdateOrderInfoInput,
    @Ctx() context: GatewayContext,
  ): Promise<UpdateOrderInfoPayload> {
    return write(context, "updateMainInfo", input, toUpdateOrderInfoBody(input, context.wire));
  }

  @Authorized(WRITES_APP)
  @Mutation(() => UpdateOrderStatusPayload, {
    description:
      "Sets the status of one or more existing orders of one user (更新订单状态); each order gets its own result. Needs the role `orders:write`, and `input.appKey` among the apps the caller may act for.",
  })
  updateOrderStatus(
    @Arg("input") input: UpdateOrderStatusInput,
    @Ctx() context: GatewayContext,
  ): Promise<UpdateOrderStatusPayload> {
    return write(context, "updateMainStatus", input, toUpdateOrderStatusBody(input));
  }

  @Authorized(WRITES_APP)
  @Mutation(() => UpdateOrderLogisticsPayload, {
    description:
      "Sets an existing order's tracking numbers (导入/更新订单物流信息). One shipment a call while `baidu.logistics.expressShape` is `object` (the default), as Baidu's newer doc has it; up to 20 with `array`. Needs the role `orders:write`, and `input.appKey` among the apps the caller may act for.",
  })
  async updateOrderLogistics(
    @Arg("input") input: UpdateOrderLogisticsInput,
    @Ctx() context: GatewayContext,
  ): Promise<UpdateOrderLogisticsPayload> {
    // One `Express` object holds one tracking number (contract §1.4.7).
    if (context.wire.expressShape === "object" && input.express.length > 1)
      throw badInput(
        "input.express",
        "must hold exactly one shipment while the setting baidu.logistics.expressShape is object (one Express object a call, as Baidu's SDKs generated from its newer doc send it): send one tracking number a call, or set the setting to array",
      );
    return write(context, "addMainLogistics", input, toLogisticsBody(input, context.wire));
  }
}
