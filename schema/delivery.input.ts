import { Field, GraphQLISODateTime, InputType } from "type-graphql";
import { DeliveryState } from "./delivery.enums";
import { describeLimits, Identifier, MAX_CHARS } from "./validators";

@InputType({
  description:
    "Which deliveries to list; every field narrows the list. Only the apps the caller may act for are ever listed.",
})
export class DeliveryFilterInput {
  @Field(() => String, {
    nullable: true,
    description: `Deliveries to this Baidu app. ${describeLimits.identifier(MAX_CHARS.code)}`,
  })
  @Identifier(MAX_CHARS.code)
  appKey?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Deliveries that touch this order. ${describeLimits.identifier(MAX_CHARS.id)}`,
  })
  @Identifier(MAX_CHARS.id)
  resourceId?: string | null;

  @Field(() => DeliveryState, { nullable: true })
  state?: DeliveryState | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "Accepted at or after this time.",
  })
  since?: Date | null;
}
