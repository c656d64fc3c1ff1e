import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({
  description:
    "Baidu's answer for one order of a write. Every order of a delivered write has one: an order Baidu's answer left out comes back with `reportedByBaidu: false`, `applied: false`, `rowsAffected: 0` and a null `categoryCode`.",
})
export class OrderWriteResult {
  @Field({
    description:
      "Your order id, as Baidu echoed it (`resource_id`); the write's own for an order Baidu's answer left out.",
  })
  resourceId!: string;

  @Field({
    description:
      "The app key Baidu echoed (`biz_app_id`); the write's own for an order Baidu's answer left out.",
  })
  appKey!: string;

  @Field(() => Int, {
    nullable: true,
    description: "The category code Baidu echoed (`cate_id`); null if Baidu's answer has none.",
  })
  categoryCode!: number | null;

  @Field(() => Int, {
    description:
      "Rows Baidu changed (`rows_affected`). 0 means this order was NOT written, even though Baidu reported success overall.",
  })
  rowsAffected!: number;

  @Field({
    description:
      "Whether Baidu wrote this order (rowsAffected > 0). False for an order Baidu's answer left out.",
  })
  applied!: boolean;

  /**
   * Resolved by `OrderWriteResultResolver`: absent on results the ledger kept before the field
   * existed.
   */
  reportedByBaidu?: boolean;
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

  @Field(() => [QueryParameter], {
    description:
      "Query string in order; `access_token` is added when sending. The user and the cashier payment a write after importOrder left out appear here as filled in from the order's import.",
  })
  query!: QueryParameter[];

  @Field(() => GraphQLJSONObject, { description: "The JSON body, exactly as sent." })
  body!: Record<string, unknown>;
}
