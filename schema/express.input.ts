import { Field, InputType } from "type-graphql";
import { ExpressType } from "./enums";
import { NotBlank } from "./validators";

@InputType({ description: "A shipment's tracking info (Baidu `Express`)." })
export class ExpressInput {
  @Field({ description: "Tracking number (`ID`)." })
  @NotBlank()
  trackingNumber!: string;

  @Field({ description: "Courier company name, e.g. 顺丰快递 (`Name`)." })
  @NotBlank()
  courierName!: string;

  @Field({ description: "Courier code from Baidu's table, e.g. SFEXPRESS (`Code`); Baidu checks it." })
  @NotBlank()
  courierCode!: string;

  @Field(() => ExpressType, { description: "Direction of the shipment (`Type`)." })
  type!: ExpressType;
}
