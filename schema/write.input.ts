import { ArrayMaxSize, ArrayMinSize, ValidateNested } from "class-validator";
import { Field, InputType } from "type-graphql";
import { AfterSaleInput, AfterSaleStatusChangeInput } from "./after-sale.input";
import { AfterSaleStatus } from "./enums";
import { ExpressInput } from "./express.input";
import { NewOrderInput, OrderInfoInput, OrderStatusChangeInput } from "./order.input";
import { SingleOrderInput, TargetInput } from "./target.input";
import { AtMostPerCall, describeLimits, MAX_ITEMS, UniqueBy } from "./validators";

@InputType({ description: "Input of importOrder (Baidu 导入订单信息)." })
export class ImportOrderInput extends TargetInput("addMainInfo") {
  @Field(() => NewOrderInput, {
    description:
      "The whole order. An existing order with this resourceId is overwritten, after-sale info included.",
  })
  @ValidateNested()
  order!: NewOrderInput;
}

@InputType({ description: "Input of updateOrderInfo (Baidu 更新订单信息)." })
export class UpdateOrderInfoInput extends TargetInput("updateMainInfo") {
  @Field(() => OrderInfoInput, { description: "The order's new main info; the order must exist." })
  @ValidateNested()
  order!: OrderInfoInput;
}

@InputType({
  description:
    "Input of updateOrderStatus (Baidu 更新订单状态): several orders of one user at once.",
})
export class UpdateOrderStatusInput extends TargetInput("updateMainStatus") {
  @Field(() => [OrderStatusChangeInput], {
    description: `One entry per order; resourceIds must be unique. ${describeLimits.perCall("maxOrdersPerCall", "orders")}`,
  })
  @ArrayMinSize(1)
  @AtMostPerCall("maxOrdersPerCall")
  @UniqueBy("resourceId")
  @ValidateNested()
  orders!: OrderStatusChangeInput[];
}

@InputType({ description: "Input of appendAfterSaleOrders (Baidu 导入售后订单信息)." })
export class AppendAfterSaleOrdersInput extends SingleOrderInput("appendSubInfo") {
  @Field(() => AfterSaleInput, {
    description: "New after-sale orders to add to the order; the order must have been imported.",
  })
  @ValidateNested()
  afterSale!: AfterSaleInput;
}

@InputType({ description: "Input of updateAfterSaleOrder (Baidu 更新售后订单信息)." })
export class UpdateAfterSaleOrderInput extends SingleOrderInput("updateSubInfo") {
  @Field(() => AfterSaleInput, {
    description:
      "The order's complete after-sale info: it replaces all stored after-sale info. Every subOrderId must already exist at Baidu.",
  })
  @ValidateNested()
  afterSale!: AfterSaleInput;
}

@InputType({ description: "New statuses for existing after-sale orders." })
export class AfterSaleStatusInput {
  @Field(() => AfterSaleStatus, {
    description: "Roll-up status across all after-sale orders of this order (`SubsOrder.Status`).",
  })
  status!: AfterSaleStatus;

  @Field(() => [AfterSaleStatusChangeInput], {
    description: `One entry per after-sale order; subOrderIds must be unique. ${describeLimits.perCall("maxAfterSaleItemsPerCall", "after-sale orders")}`,
  })
  @ArrayMinSize(1)
  @AtMostPerCall("maxAfterSaleItemsPerCall")
  @UniqueBy("subOrderId")
  @ValidateNested()
  items!: AfterSaleStatusChangeInput[];
}

@InputType({ description: "Input of updateAfterSaleOrderStatus (Baidu 更新售后订单状态)." })
export class UpdateAfterSaleOrderStatusInput extends SingleOrderInput("updateSubStatus") {
  @Field(() => AfterSaleStatusInput)
  @ValidateNested()
  afterSale!: AfterSaleStatusInput;
}

@InputType({ description: "Input of updateOrderLogistics (Baidu 导入/更新订单物流信息)." })
export class UpdateOrderLogisticsInput extends SingleOrderInput("addMainLogistics") {
  @Field(() => [ExpressInput], {
    description: `The order's shipments; the order must exist. ${describeLimits.list(MAX_ITEMS.express, "shipments")} Exactly one while the setting \`baidu.logistics.expressShape\` is \`object\` (the default): Baidu's newer doc sends one \`Express\` object a call.`,
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ITEMS.express)
  @ValidateNested()
  express!: ExpressInput[];
}
