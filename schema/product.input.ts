import { ArrayMaxSize, IsOptional, IsUrl, Min, ValidateNested } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { DetailPageInput } from "./detail-page.input";
import { NotBlank } from "./validators";

@InputType({ description: "A SKU attribute such as colour or size (Baidu `SkuAttr`)." })
export class SkuAttrInput {
  @Field({ description: "Attribute name, e.g. 颜色 (`Name`)." })
  @NotBlank()
  name!: string;

  @Field({ description: "Attribute value, e.g. Red (`Value`)." })
  @NotBlank()
  value!: string;
}

@InputType({ description: "One product line of an order (Baidu `Product`)." })
export class ProductInput {
  @Field({ description: "Your product id (`ID`)." })
  @NotBlank()
  productId!: string;

  @Field({ description: "Product name (`Name`)." })
  @NotBlank()
  name!: string;

  @Field(() => String, { nullable: true, description: "Short description (`Desc`)." })
  description?: string | null;

  @Field(() => Int, { description: "Quantity bought (`Quantity`)." })
  @Min(1)
  quantity!: number;

  @Field(() => Int, { description: "Original unit price in fen, 100 = ¥1 (`Price`)." })
  @Min(0)
  price!: number;

  @Field(() => Int, { description: "Unit price actually paid, in fen (`PayPrice`)." })
  @Min(0)
  payPrice!: number;

  @Field(() => [String], { nullable: true, description: "Preview image URLs, at most 5 (`ImgList`)." })
  @IsOptional()
  @ArrayMaxSize(5)
  @IsUrl({ require_protocol: true }, { each: true, message: "each image must be an absolute URL" })
  images?: string[] | null;

  @Field(() => DetailPageInput, { nullable: true, description: "Link to the product page (`DetailPage`)." })
  @IsOptional()
  @ValidateNested()
  detailPage?: DetailPageInput | null;

  @Field(() => [SkuAttrInput], { nullable: true, description: "SKU attributes, at most 4 (`SkuAttr`)." })
  @IsOptional()
  @ArrayMaxSize(4)
  @ValidateNested()
  skuAttrs?: SkuAttrInput[] | null;
}
