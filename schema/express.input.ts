import { Field, InputType } from "type-graphql";
import { ExpressType } from "./enums";
import { describeLimits, Identifier, MAX_CHARS, NotBlank, Text } from "./validators";

@InputType({ description: "A shipment's tracking info (Baidu `Express`)." })
export class ExpressInput {
  @Field({ description: `Tracking number (\`ID\`). ${describeLimits.identifier(MAX_CHARS.id)}` })
  @Identifier(MAX_CHARS.id)
  @NotBlank()
  trackingNumber!: string;

  @Field({
    description: `Courier company name, e.g. 顺丰快递 (\`Name\`). ${describeLimits.text(MAX_CHARS.name)}`,
  })
  @Text(MAX_CHARS.name)
  @NotBlank()
  courierName!: string;

  @Field({
    description: `Courier code from Baidu's table, e.g. SFEXPRESS (\`Code\`); Baidu checks it. ${describeLimits.identifier(MAX_CHARS.code)}`,
  })
  @Identifier(MAX_CHARS.code)
  @NotBlank()
  courierCode!: string;

  @Field(() => ExpressType, { description: "Direction of the shipment (`Type`)." })
  type!: ExpressType;
}
