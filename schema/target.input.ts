import { IsInt, IsOptional, Min, ValidateBy } from "class-validator";
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

const absent = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "");

/** At most one of two optional properties, such as `openId` and `swanId`. */
function AtMostOneOf(other: string): PropertyDecorator {
  return ValidateBy({
    name: "atMostOneOf",
    validator: {
      validate: (value, args) => absent(value) || absent((args?.object as never)[other]),
      defaultMessage: (args) =>
        `give at most one of ${args?.property} and ${other}; leave both out to send the import's`,
    },
  });
}

/** Stands in for a rule a field does not have on some endpoints. */
const noRule: PropertyDecorator = () => {};

/** How the writes after importOrder fill in an id left out (`resolvers/target.mapping.ts`). */
const FROM_IMPORT =
  "the one the order's importOrder sent, when the gateway's ledger holds that import; a given one must match it";

/**
 * The fields every write shares: which Baidu app, which user, which cashier payment (Baidu's query
 * string), and `dryRun`. importOrder names the user and the cashier payment; the other writes may
 * leave them out, and then send those of the order's import (`resolvers/target.mapping.ts`).
 */
export function TargetInput(endpoint: EndpointName) {
  const isImport = endpoint === "addMainInfo";
  const sceneRequired = ENDPOINTS[endpoint].sceneRequired;
  const sceneRule = isImport
    ? "Required by Baidu on this endpoint."
    : `Left out: ${FROM_IMPORT}.${sceneRequired ? " Required by Baidu on this endpoint, so give it for an order imported elsewhere." : ""}`;

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
      description: `The user's openId (\`open_id\`). ${isImport ? "Give exactly one of openId and swanId." : `Give at most one of openId and swanId; both left out: ${FROM_IMPORT}.`} ${describeLimits.identifier(MAX_CHARS.id)}`,
    })
    @(isImport ? ExactlyOneOf("swanId") : AtMostOneOf("swanId"))
    @Identifier(MAX_CHARS.id)
    @NotBlank({ optional: true })
    openId?: string | null;

    @Field(() => String, {
      nullable: true,
      description: `Device id of a user not logged in to the Baidu App (\`swan_id\`). Baidu documents it for importOrder only; the gateway sends it on the other writes too, as given or as the order's import had it. ${describeLimits.identifier(MAX_CHARS.id)}`,
    })
    @Identifier(MAX_CHARS.id)
    @NotBlank({ optional: true })
    swanId?: string | null;

    @Field(() => String, {
      nullable: !isImport,
      description: `The Baidu cashier order id from the payment notification (\`scene_id\`), as a decimal string of at most ${MAX_CHARS.cashierOrderIdDigits} digits (a Long). ${sceneRule}`,
    })
    @IsCashierOrderId({ required: isImport })
    sceneId?: string | null;

    @Field(() => Int, {
      nullable: !isImport,
      ...(isImport && { defaultValue: 2 }),
      description: `Payment scene type (\`scene_type\`): 2 = Baidu cashier order, Baidu's documented default.${isImport ? "" : ` Left out: ${FROM_IMPORT}; otherwise 2.`}`,
    })
    @(isImport ? noRule : IsOptional())
    @IsInt()
    @Min(1)
    sceneType?: number | null;

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
