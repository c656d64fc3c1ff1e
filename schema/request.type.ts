import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";

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
