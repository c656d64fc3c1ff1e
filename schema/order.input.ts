import { ArrayMaxSize, ArrayMinSize, IsOptional, Min, ValidateNested } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { AfterSaleInput } from "./after-sale.input";
import { DetailPageInput } from "./detail-page.input";
import { OrderCategory, OrderStatus } from "./enums";
import { ExpressInput } from "./express.input";
import { PaymentInput } from "./payment.input";
import { ProductInput } from "./product.input";
import { UnixSeconds } from "./scalars";
import {
  describeLimits,
  Identifier,
  IsUnixSeconds,
  MAX_CHARS,
  MAX_ITEMS,
  NotBlank,
  PaymentMatchesProducts,
  StatusFitsCategory,
  Text,
} from "./validators";

@InputType({
  description:
    "An order's category and status. Give `status` for PHYSICAL_GOODS and VIRTUAL_GOODS, `statusCode` for the others.",
})
export class OrderStatusChangeInput {
  @Field({
    description: `Your order id (Baidu \`ResourceID\`). ${describeLimits.identifier(MAX_CHARS.id)}`,
  })
  @Identifier(MAX_CHARS.id)
  @NotBlank()
  resourceId!: string;

  @Field(() => OrderCategory, { description: "The order's category (`CateID`)." })
  category!: OrderCategory;

  @Field(() => OrderStatus, {
    nullable: true,
    description: "The status (`Status`); must be one documented for the category.",
  })
  @StatusFitsCategory()
  status?: OrderStatus | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Baidu's raw status code, for categories whose status table is undocumented (`Status`).",
  })
  @IsOptional()
  @Min(0)
  statusCode?: number | null;
}

@InputType({
  description: "An order's main info as Baidu's update replaces it (`EXT.MainOrder` plus status).",
})
export class OrderInfoInput extends OrderStatusChangeInput {
  @Field(() => [ProductInput], {
    description: `Product lines; at least one (\`Products\`). ${describeLimits.list(MAX_ITEMS.products, "product lines")}`,
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ITEMS.products)
  @ValidateNested()
  products!: ProductInput[];

  @Field(() => PaymentInput, { description: "Payment summary (`Payment`)." })
  @ValidateNested()
  @PaymentMatchesProducts()
  payment!: PaymentInput;

  @Field(() => DetailPageInput, {
    nullable: true,
    description:
      "Link to the review page; send it only while the order awaits a review (`Appraise`).",
  })
  @IsOptional()
  @ValidateNested()
  appraise?: DetailPageInput | null;

  @Field(() => DetailPageInput, {
    nullable: true,
    description: "Link to the order page (`OrderDetail`).",
  })
  @IsOptional()
  @ValidateNested()
  orderDetail?: DetailPageInput | null;

  @Field(() => [ExpressInput], {
    nullable: true,
    description: `Tracking info (\`Express\`); usually sent with updateOrderLogistics instead. ${describeLimits.list(MAX_ITEMS.express, "shipments")}`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS.express)
  @ValidateNested()
  express?: ExpressInput[] | null;

  @Field(() => AfterSaleInput, {
    nullable: true,
    description:
      "After-sale info (`EXT.SubsOrder`). When sent, it replaces the stored after-sale info.",
  })
  @IsOptional()
  @ValidateNested()
  afterSale?: AfterSaleInput | null;
}

@InputType({ description: "A whole order as Baidu's import stores it." })
export class NewOrderInput extends OrderInfoInput {
  @Field({
    description: `Title shown to the user; Baidu suggests the product name (\`Title\`). ${describeLimits.text(MAX_CHARS.name)}`,
  })
  @Text(MAX_CHARS.name)
  @NotBlank()
  title!: string;

  @Field(() => UnixSeconds, { description: "Order creation time, Unix seconds (`Ctime`)." })
  @IsUnixSeconds()
  createdAt!: number;

  @Field(() => UnixSeconds, { description: "Last change, Unix seconds (`Mtime`)." })
  @IsUnixSeconds()
  updatedAt!: number;
}
