import { ArrayMaxSize, ArrayMinSize, IsOptional, Min, ValidateNested } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { DetailPageInput } from "./detail-page.input";
import { AfterSaleStatus, AfterSaleType } from "./enums";
import { PaymentInput } from "./payment.input";
import { UnixSeconds } from "./scalars";
import {
  AtMostPerCall,
  describeLimits,
  Identifier,
  IsUnixSeconds,
  MAX_CHARS,
  MAX_ITEMS,
  NotBlank,
  UniqueBy,
} from "./validators";

@InputType({ description: "A product in an after-sale order (Baidu `RefundProduct`)." })
export class RefundProductInput {
  @Field({ description: `Your product id (\`ID\`). ${describeLimits.identifier(MAX_CHARS.id)}` })
  @Identifier(MAX_CHARS.id)
  @NotBlank()
  productId!: string;

  @Field(() => Int, { description: "Quantity refunded or returned (`Quantity`)." })
  @Min(0)
  quantity!: number;

  @Field(() => Int, { description: "Refund for this product in fen (`Amount`)." })
  @Min(0)
  amount!: number;
}

@InputType({ description: "Refund and returned-goods info (Baidu `Refund`)." })
export class RefundInput {
  @Field(() => Int, { description: "Total refund in fen (`Amount`)." })
  @Min(0)
  amount!: number;

  @Field(() => [RefundProductInput], {
    description: `The products concerned (\`Product\`). ${describeLimits.list(MAX_ITEMS.refundProducts, "products")}`,
  })
  @ArrayMaxSize(MAX_ITEMS.refundProducts)
  @ValidateNested()
  products!: RefundProductInput[];
}

@InputType({ description: "One after-sale order (Baidu `SubsOrder.Items[]`)." })
export class AfterSaleItemInput {
  @Field({
    description: `Your after-sale order id (\`SubOrderID\`). ${describeLimits.identifier(MAX_CHARS.id)}`,
  })
  @Identifier(MAX_CHARS.id)
  @NotBlank()
  subOrderId!: string;

  @Field(() => AfterSaleStatus, { description: "This after-sale order's status (`SubStatus`)." })
  status!: AfterSaleStatus;

  @Field(() => AfterSaleType, {
    description: "Refund only, exchange, or refund and return (`OrderType`).",
  })
  type!: AfterSaleType;

  @Field(() => UnixSeconds, { description: "Creation time, Unix seconds (`CTime`)." })
  @IsUnixSeconds()
  createdAt!: number;

  @Field(() => UnixSeconds, { description: "Last change, Unix seconds (`MTime`)." })
  @IsUnixSeconds()
  updatedAt!: number;

  @Field(() => DetailPageInput, {
    nullable: true,
    description: "Link to the after-sale detail page (`OrderDetail`).",
  })
  @IsOptional()
  @ValidateNested()
  orderDetail?: DetailPageInput | null;

  @Field(() => RefundInput, { nullable: true, description: "Refund info (`Refund`)." })
  @IsOptional()
  @ValidateNested()
  refund?: RefundInput | null;

  @Field(() => PaymentInput, {
    nullable: true,
    description: "Extra payment for this after-sale order (`Payment`).",
  })
  @IsOptional()
  @ValidateNested()
  payment?: PaymentInput | null;

  @Field(() => [RefundProductInput], {
    nullable: true,
    description: `Goods sent back (\`Aftermarket.Product\`). ${describeLimits.list(MAX_ITEMS.refundProducts, "products")}`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS.refundProducts)
  @ValidateNested()
  returnedProducts?: RefundProductInput[] | null;
}

@InputType({ description: "All after-sale info of an order (Baidu `SubsOrder`)." })
export class AfterSaleInput {
  @Field(() => AfterSaleStatus, {
    description: "Roll-up status across all after-sale orders of this order (`SubsOrder.Status`).",
  })
  status!: AfterSaleStatus;

  @Field(() => [AfterSaleItemInput], {
    description: `The after-sale orders; \`subOrderId\`s must be unique (\`Items\`). ${describeLimits.perCall("maxAfterSaleItemsPerCall", "after-sale orders")}`,
  })
  @ArrayMinSize(1)
  @AtMostPerCall("maxAfterSaleItemsPerCall")
  @UniqueBy("subOrderId")
  @ValidateNested()
  items!: AfterSaleItemInput[];
}

@InputType({
  description: "A new status for one after-sale order (Baidu `Items[]` of the status update).",
})
export class AfterSaleStatusChangeInput {
  @Field({
    description: `Your after-sale order id (\`SubOrderID\`); it must exist at Baidu. ${describeLimits.identifier(MAX_CHARS.id)}`,
  })
  @Identifier(MAX_CHARS.id)
  @NotBlank()
  subOrderId!: string;

  @Field(() => AfterSaleStatus, { description: "The new status (`SubStatus`)." })
  status!: AfterSaleStatus;
}
