import { IsOptional, Min, ValidateNested } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { PaymentMethod } from "./enums";
import { UnixSeconds } from "./scalars";
import { IsUnixSeconds, NotBlank } from "./validators";

@InputType({ description: "A discount or an extra charge (Baidu `PaymentSpecInfo`)." })
export class PaymentLineInput {
  @Field({ description: "Display name, e.g. 运费 (`Name`)." })
  @NotBlank()
  name!: string;

  @Field(() => Int, { description: "Amount per unit in fen (`Value`)." })
  @Min(0)
  value!: number;

  @Field(() => Int, { description: "How many (`Quantity`)." })
  @Min(0)
  quantity!: number;
}

@InputType({ description: "Payment summary (Baidu `Payment`)." })
export class PaymentInput {
  @Field(() => PaymentMethod, { description: "Payment method (`Method`)." })
  method!: PaymentMethod;

  @Field(() => Int, {
    description: "Total paid in fen (`Amount`). On an order it must equal Σ(payPrice × quantity) + Σ(charges) − Σ(discounts).",
  })
  @Min(0)
  amount!: number;

  @Field({ description: "Whether the order has been paid (`IsPayment`)." })
  paid!: boolean;

  @Field(() => UnixSeconds, { nullable: true, description: "Payment time, Unix seconds (`Time`)." })
  @IsUnixSeconds()
  paidAt?: number | null;

  @Field(() => [PaymentLineInput], { nullable: true, description: "Discounts and coupons (`PreferentialInfo`)." })
  @IsOptional()
  @ValidateNested()
  discounts?: PaymentLineInput[] | null;

  @Field(() => [PaymentLineInput], { nullable: true, description: "Other charges such as freight or insurance (`PaymentInfo`)." })
  @IsOptional()
  @ValidateNested()
  charges?: PaymentLineInput[] | null;
}
