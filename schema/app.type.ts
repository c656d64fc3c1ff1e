import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "A Baidu mini program this gateway holds credentials for." })
export class App {
  @Field({ description: "Its AppKey (Baidu `BizAPPID`, `client_id`)." })
  appKey!: string;

  @Field({ description: "The label given in the gateway's configuration." })
  name!: string;
}
