import { Field, InterfaceType, ObjectType } from "type-graphql";
import { Delivery } from "./delivery.type";
import { BaiduRequest, OrderWriteResult } from "./request.type";

@InterfaceType({
  description:
    "Outcome of a write to Baidu's order center; every mutation's payload implements it.",
})
export abstract class OrderWritePayload {
  @Field({ description: "True when this was a dry run: nothing was sent to Baidu." })
  dryRun!: boolean;

  @Field(() => [OrderWriteResult], {
    description:
      "One result per order of the write once it was delivered (by its own delivery or the newer one that superseded it): Baidu's, in Baidu's order, then any order Baidu's answer left out (`reportedByBaidu: false`, not applied). Empty while pending and on a dry run.",
  })
  results!: OrderWriteResult[];

  @Field({
    description:
      "Whether Baidu reported every order of this request as written. False while pending and on a dry run.",
  })
  allApplied!: boolean;

  @Field(() => BaiduRequest, {
    nullable: true,
    description: "On a dry run, the request that would have been sent.",
  })
  request?: BaiduRequest | null;

  @Field(() => Delivery, {
    nullable: true,
    description:
      "The write's delivery in the ledger: its state, attempts and last error. Null on a dry run.",
  })
  delivery!: Delivery | null;
}

@ObjectType({ implements: OrderWritePayload })
export class ImportOrderPayload extends OrderWritePayload {}

@ObjectType({ implements: OrderWritePayload })
export class UpdateOrderInfoPayload extends OrderWritePayload {}

@ObjectType({ implements: OrderWritePayload })
export class UpdateOrderStatusPayload extends OrderWritePayload {}

@ObjectType({ implements: OrderWritePayload })
export class AppendAfterSaleOrdersPayload extends OrderWritePayload {}

@ObjectType({ implements: OrderWritePayload })
export class UpdateAfterSaleOrderPayload extends OrderWritePayload {}

@ObjectType({ implements: OrderWritePayload })
export class UpdateAfterSaleOrderStatusPayload extends OrderWritePayload {}

@ObjectType({ implements: OrderWritePayload })
export class UpdateOrderLogisticsPayload extends OrderWritePayload {}
