import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Int, InterfaceType, ObjectType } from "type-graphql";

@ObjectType({ description: "Baidu's answer for one order of a write." })
export class OrderWriteResult {
  @Field({ description: "Your order id, as Baidu echoed it (`resource_id`)." })
  resourceId!: string;

  @Field({ description: "The app key Baidu echoed (`biz_app_id`)." })
  appKey!: string;

  @Field(() => Int, { nullable: true, description: "The category code Baidu echoed (`cate_id`); null if Baidu's answer has none." })
  categoryCode!: number | null;

  @Field(() => Int, { description: "Rows Baidu changed (`rows_affected`). 0 means this order was NOT written, even though Baidu reported success overall." })
  rowsAffected!: number;

  @Field({ description: "Whether Baidu wrote this order (rowsAffected > 0)." })
  applied!: boolean;
}

@ObjectType({ description: "A query-string parameter of a Baidu request." })
export class QueryParameter {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType({ description: "The request the gateway sends to Baidu, minus the access token." })
export class BaiduRequest {
  @Field()
  method!: string;

  @Field({ description: "Path on openapi.baidu.com." })
  path!: string;

  @Field(() => [QueryParameter], { description: "Query string in order; `access_token` is added when sending." })
  query!: QueryParameter[];

  @Field(() => GraphQLJSONObject, { description: "The JSON body, exactly as sent." })
  body!: Record<string, unknown>;
}

@InterfaceType({ description: "Outcome of a write to Baidu's order center; every mutation's payload implements it." })
export abstract class OrderWritePayload {
  @Field({ description: "True when this was a dry run: nothing was sent to Baidu." })
  dryRun!: boolean;

  @Field(() => [OrderWriteResult], { description: "One result per order, in Baidu's order; empty on a dry run." })
  results!: OrderWriteResult[];

  @Field({ description: "Whether Baidu reported every order of this request as written. False on a dry run." })
  allApplied!: boolean;

  @Field(() => BaiduRequest, { nullable: true, description: "On a dry run, the request that would have been sent." })
  request?: BaiduRequest | null;
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
