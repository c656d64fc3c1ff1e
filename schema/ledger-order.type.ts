import { GraphQLJSONObject } from "graphql-scalars";
import { Field, GraphQLISODateTime, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "An after-sale order as last delivered." })
export class AfterSaleOrderState {
  @Field({ description: "`SubOrderID`." })
  subOrderId!: string;

  @Field(() => Int, { description: "`SubStatus`, Baidu's code (see AfterSaleStatus)." })
  statusCode!: number;

  @Field(() => Int, {
    nullable: true,
    description: "`OrderType`, Baidu's code (see AfterSaleType).",
  })
  typeCode!: number | null;
}

@ObjectType({ description: "A tracking number as last delivered." })
export class ShipmentState {
  @Field({ description: "`ID`." })
  trackingNumber!: string;

  @Field({ description: "`Name`." })
  courierName!: string;

  @Field({ description: "`Code`." })
  courierCode!: string;

  @Field(() => Int, { description: "`Type`, Baidu's code (see ExpressType)." })
  typeCode!: number;
}

@ObjectType({
  description:
    "What the gateway last delivered to Baidu for one order, folded from every delivered write by Baidu's own overwrite rules. Baidu has no read API: this is the record of what was sent.",
})
export class Order {
  @Field()
  appKey!: string;

  @Field()
  resourceId!: string;

  @Field(() => Int, {
    nullable: true,
    description: "`CateID`; null until a write with main info was delivered.",
  })
  categoryCode!: number | null;

  @Field(() => Int, { nullable: true, description: "Main-order `Status` code." })
  statusCode!: number | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => [AfterSaleOrderState], { description: "After-sale orders (`EXT.SubsOrder.Items`)." })
  afterSaleOrders!: AfterSaleOrderState[];

  @Field(() => Int, {
    nullable: true,
    description: "The roll-up after-sale status (`EXT.SubsOrder.Status`).",
  })
  afterSaleStatusCode!: number | null;

  @Field(() => [ShipmentState], { description: "Tracking numbers (`EXT.MainOrder.Express`)." })
  trackingNumbers!: ShipmentState[];

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: "The whole record in Baidu's wire names, as Baidu should now hold it.",
  })
  record!: Record<string, unknown> | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "When a delivery last changed this record.",
  })
  deliveredAt!: Date | null;
}
