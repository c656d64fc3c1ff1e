import { ArrayMaxSize, IsOptional, Min, ValidateNested } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { PaymentMethod } from "./enums";
import { UnixSeconds } from "./scalars";
import { describeLimits, IsUnixSeconds, MAX_CHARS, MAX_ITEMS, NotBlank, Text } from "./validators";

@InputType({ description: "A discount or an extra charge (Baidu `PaymentSpecInfo`)." })
export class PaymentLineInput {
  @Field({
    description: `Display name, e.g. 运费 (\`Name\`). ${describeLimits.text(MAX_CHARS.name)}`,
  })
  @Text(MAX_CHARS.name)
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
    description:
      "Total paid in fen (`Amount`). On an order it must equal Σ(payPrice × quantity) + Σ(charges) − Σ(discounts).",
  })
  @Min(0)
  amount!: number;

  @Field({ description: "Whether the order has been paid (`IsPayment`)." })
  paid!: boolean;

  @Field(() => UnixSeconds, { nullable: true, description: "Payment time, Unix seconds (`Time`)." })
  @IsUnixSeconds()
  paidAt?: number | null;

  @Field(() => [PaymentLineInput], {
    nullable: true,
    description: `Discounts and coupons (\`PreferentialInfo\`). ${describeLimits.list(MAX_ITEMS.paymentLines, "lines")}`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS.paymentLines)
  @ValidateNested()
  discounts?: PaymentLineInput[] | null;

  @Field(() => [PaymentLineInput], {
    nullable: true,
    description: `Other charges such as freight or insurance (\`PaymentInfo\`). ${describeLimits.list(MAX_ITEMS.paymentLines, "lines")}`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS.paymentLines)
  @ValidateNested()
  charges?: PaymentLineInput[] | null;
}
