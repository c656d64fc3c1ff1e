import { Field, InputType } from "type-graphql";
import { DetailPageStatus } from "./enums";
import { describeLimits, IsSwanSchema, Link, MAX_CHARS, Text } from "./validators";

@InputType({
  description: "A link in the Baidu App (Baidu `DetailPage`): where a tap on an entry leads.",
})
export class DetailPageInput {
  @Field(() => DetailPageStatus, {
    defaultValue: DetailPageStatus.CLICKABLE,
    description: "How the link shows (`Status`).",
  })
  status!: DetailPageStatus;

  @Field(() => String, {
    nullable: true,
    description: `Display name (\`Name\`). ${describeLimits.text(MAX_CHARS.name)}`,
  })
  @Text(MAX_CHARS.name)
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Mini-program page scheme (\`SwanSchema\`): \`baiduboxapp://swan/<app key>/<page path>?<query>\`; empty to show no link. ${describeLimits.link(MAX_CHARS.link)}`,
  })
  @Link(MAX_CHARS.link)
  @IsSwanSchema()
  swanSchema?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `H5 scheme or URL (\`H5Schema\`). ${describeLimits.link(MAX_CHARS.link)}`,
  })
  @Link(MAX_CHARS.link)
  h5Schema?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `iOS native scheme (\`IPhoneSchema\`). ${describeLimits.link(MAX_CHARS.link)}`,
  })
  @Link(MAX_CHARS.link)
  iphoneSchema?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Android native scheme (\`AndroidSchema\`). ${describeLimits.link(MAX_CHARS.link)}`,
  })
  @Link(MAX_CHARS.link)
  androidSchema?: string | null;
}
