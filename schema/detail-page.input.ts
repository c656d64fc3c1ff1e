import { IsOptional, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { DetailPageStatus } from "./enums";
import { IsSwanSchema } from "./validators";

@InputType({ description: "A link in the Baidu App (Baidu `DetailPage`): where a tap on an entry leads." })
export class DetailPageInput {
  @Field(() => DetailPageStatus, { defaultValue: DetailPageStatus.CLICKABLE, description: "How the link shows (`Status`)." })
  status!: DetailPageStatus;

  @Field(() => String, { nullable: true, description: "Display name (`Name`)." })
  @IsOptional()
  @MaxLength(200)
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Mini-program page scheme (`SwanSchema`): `baiduboxapp://swan/<app key>/<page path>?<query>`; empty to show no link.",
  })
  @IsSwanSchema()
  swanSchema?: string | null;

  @Field(() => String, { nullable: true, description: "H5 scheme or URL (`H5Schema`)." })
  h5Schema?: string | null;

  @Field(() => String, { nullable: true, description: "iOS native scheme (`IPhoneSchema`)." })
  iphoneSchema?: string | null;

  @Field(() => String, { nullable: true, description: "Android native scheme (`AndroidSchema`)." })
  androidSchema?: string | null;
}
