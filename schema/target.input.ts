import { IsInt, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { ENDPOINTS, type EndpointName } from "../src/baidu/endpoints";
import { DeliveryMode } from "./delivery.enums";
import { OrderCategory } from "./enums";
import {
  describeLimits,
  ExactlyOneOf,
  Identifier,
  IsCashierOrderId,
  IsIdempotencyKey,
  MAX_CHARS,
  NotBlank,
} from "./validators";

/**
 * The fields every write shares: which Baidu app, which user, which cashier payment (Baidu's query
 * string), and `dryRun`. `sceneId` is non-null where Baidu documents `scene_id` as required.
 */
export function TargetInput(endpoint: EndpointName) {
  const sceneRequired = ENDPOINTS[endpoint].sceneRequired;

  // Named per endpoint; never emitted itself (not reachable from a resolver), only inherited.
  @InputType(`${endpoint}Target`)
  abstract class Target {
    @Field({
      description: `The mini program's AppKey (Baidu \`BizAPPID\`); selects the credentials the gateway uses. ${describeLimits.identifier(MAX_CHARS.code)}`,
    })
    @Identifier(MAX_CHARS.code)
    @NotBlank()
    appKey!: string;

    @Field(() => String, {
      nullable: true,
      description: `The user's openId (\`open_id\`). Give exactly one of openId and swanId. ${describeLimits.identifier(MAX_CHARS.id)}`,
    })
    @ExactlyOneOf("swanId")
    @Identifier(MAX_CHARS.id)
    @NotBlank({ optional: true })
    openId?: string | null;

    @Field(() => String, {
      nullable: true,
      description: `Device id of a user not logged in to the Baidu App (\`swan_id\`). Baidu documents it for importOrder only; the gateway sends it as given on the other writes too. ${describeLimits.identifier(MAX_CHARS.id)}`,
    })
    @Identifier(MAX_CHARS.id)
    @NotBlank({ optional: true })
    swanId?: string | null;

    @Field(() => String, {
      nullable: !sceneRequired,
      description: `The Baidu cashier order id from the payment notification (\`scene_id\`), as a decimal string of at most ${MAX_CHARS.cashierOrderIdDigits} digits (a Long).${sceneRequired ? " Required by Baidu on this endpoint." : ""}`,
    })
    @IsCashierOrderId({ required: sceneRequired })
    sceneId?: string | null;

    @Field(() => Int, {
      defaultValue: 2,
      description:
        "Payment scene type (`scene_type`): 2 = Baidu cashier order, Baidu's documented default.",
    })
    @IsInt()
    @Min(1)
    sceneType!: number;

    @Field({
      defaultValue: false,
      description:
        "Return the Baidu request that would be sent (without the access token); record and send nothing.",
    })
    dryRun!: boolean;

    @Field(() => String, {
      nullable: true,
      description:
        "Your key for this write (1–255 printable ASCII characters, e.g. a UUID), unique per app. Sending the same key with the same input again returns the same delivery and writes nothing twice; with a different input it is refused (IDEMPOTENCY_KEY_REUSED). Remembered as long as the delivery is kept (retention).",
    })
    @IsIdempotencyKey()
    idempotencyKey?: string | null;

    @Field(() => DeliveryMode, {
      defaultValue: DeliveryMode.WAIT,
      description:
        "WAIT (default): answer with Baidu's results, up to the wait budget; QUEUE: answer once the write is committed.",
    })
    deliveryMode!: DeliveryMode;
  }
  return Target;
}

/** A target plus the one order a write is about. */
export function SingleOrderInput(endpoint: EndpointName) {
  @InputType(`${endpoint}SingleOrder`)
  abstract class SingleOrder extends TargetInput(endpoint) {
    @Field({
      description: `Your order id (Baidu \`ResourceID\`). ${describeLimits.identifier(MAX_CHARS.id)}`,
    })
    @Identifier(MAX_CHARS.id)
    @NotBlank()
    resourceId!: string;

    @Field(() => OrderCategory, { description: "The order's category (Baidu `CateID`)." })
    category!: OrderCategory;
  }
  return SingleOrder;
}
