import { ArrayMaxSize, IsOptional, IsUrl, Min, ValidateNested } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { DetailPageInput } from "./detail-page.input";
import {
  describeLimits,
  Identifier,
  Link,
  MAX_CHARS,
  MAX_ITEMS,
  NotBlank,
  Text,
} from "./validators";

@InputType({ description: "A SKU attribute such as colour or size (Baidu `SkuAttr`)." })
export class SkuAttrInput {
  @Field({
    description: `Attribute name, e.g. 颜色 (\`Name\`). ${describeLimits.text(MAX_CHARS.name)}`,
  })
  @Text(MAX_CHARS.name)
  @NotBlank()
  name!: string;

  @Field({
    description: `Attribute value, e.g. Red (\`Value\`). ${describeLimits.text(MAX_CHARS.name)}`,
  })
  @Text(MAX_CHARS.name)
  @NotBlank()
  value!: string;
}

@InputType({ description: "One product line of an order (Baidu `Product`)." })
export class ProductInput {
  @Field({ description: `Your product id (\`ID\`). ${describeLimits.identifier(MAX_CHARS.id)}` })
  @Identifier(MAX_CHARS.id)
  @NotBlank()
  productId!: string;

  @Field({ description: `Product name (\`Name\`). ${describeLimits.text(MAX_CHARS.name)}` })
  @Text(MAX_CHARS.name)
  @NotBlank()
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: `Short description (\`Desc\`). ${describeLimits.text(MAX_CHARS.description)}`,
  })
  @Text(MAX_CHARS.description)
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

  @Field(() => [String], {
    nullable: true,
    description: `Preview image URLs, at most ${MAX_ITEMS.images} (Baidu's limit; \`ImgList\`), each an absolute URL. ${describeLimits.link(MAX_CHARS.link, "Each URL")}`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS.images)
  @IsUrl({ require_protocol: true }, { each: true, message: "each image must be an absolute URL" })
  @Link(MAX_CHARS.link, { each: "image" })
  images?: string[] | null;

  @Field(() => DetailPageInput, {
    nullable: true,
    description: "Link to the product page (`DetailPage`).",
  })
  @IsOptional()
  @ValidateNested()
  detailPage?: DetailPageInput | null;

  @Field(() => [SkuAttrInput], {
    nullable: true,
    description: `SKU attributes, at most ${MAX_ITEMS.skuAttrs} (Baidu's limit; \`SkuAttr\`).`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_ITEMS.skuAttrs)
  @ValidateNested()
  skuAttrs?: SkuAttrInput[] | null;
}
