import { Field, GraphQLISODateTime, InputType } from "type-graphql";
import { DeliveryState } from "./delivery.enums";

@InputType({ description: "Which deliveries to list; every field narrows the list. Only your API key's apps are ever listed." })
export class DeliveryFilterInput {
  @Field(() => String, { nullable: true })
  appKey?: string | null;

  @Field(() => String, { nullable: true, description: "Deliveries that touch this order." })
  resourceId?: string | null;

  @Field(() => DeliveryState, { nullable: true })
  state?: DeliveryState | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "Accepted at or after this time." })
  since?: Date | null;
}
