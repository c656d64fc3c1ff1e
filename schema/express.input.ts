import { IsNotEmpty } from "class-validator";
import { Field, InputType } from "type-graphql";
import { ExpressType } from "./enums";

@InputType({ description: "A shipment's tracking info (Baidu `Express`)." })
export class ExpressInput {
  @Field({ description: "Tracking number (`ID`)." })
  @IsNotEmpty()
  trackingNumber!: string;

  @Field({ description: "Courier company name, e.g. 顺丰快递 (`Name`)." })
  @IsNotEmpty()
  courierName!: string;

  @Field({ description: "Courier code from Baidu's table, e.g. SFEXPRESS (`Code`); Baidu checks it." })
  @IsNotEmpty()
  courierCode!: string;

  @Field(() => ExpressType, { description: "Direction of the shipment (`Type`)." })
  type!: ExpressType;
}
