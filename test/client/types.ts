import {
  errorCode,
  GatewayErrorCode,
  hasErrorCode,
  type AfterSaleItemInput,
  type BaiduRequestFieldsFragment,
  type DeliveryFieldsFragment,
  type DeliveryState,
  type GatewayErrorExtensions,
  type GraphQLErrorLike,
  type OrderQuery,
} from "./gateway-client.js";

// What the package's types say, checked by the compiler: a line that is wrong does not compile.

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type ScalarChecks = [
  // UnixSeconds
  Expect<Equal<AfterSaleItemInput["createdAt"], number>>,
  // JSONObject
  Expect<Equal<BaiduRequestFieldsFragment["body"], Record<string, unknown>>>,
  Expect<Equal<NonNullable<OrderQuery["order"]>["record"], Record<string, unknown> | null>>,
  // DateTimeISO
  Expect<Equal<DeliveryFieldsFragment["acceptedAt"], string>>,
  Expect<Equal<DeliveryFieldsFragment["finishedAt"], string | null>>,
];

export type ErrorChecks = [
  Expect<Equal<(typeof GatewayErrorCode)["NOT_FOUND"], "NOT_FOUND">>,
  Expect<Equal<GatewayErrorExtensions<"BAIDU_REJECTED">["deliveryId"], string>>,
  Expect<Equal<GatewayErrorExtensions<"DELIVERY_STATE_CONFLICT">["state"], DeliveryState>>,
  Expect<Equal<GatewayErrorExtensions<"QUERY_TOO_DEEP">["limit"], number>>,
];

/** Unix seconds are numbers: a date string is refused. */
export const afterSaleItem: AfterSaleItemInput = {
  subOrderId: "onlyOne",
  status: "PROCESSING",
  type: "REFUND_ONLY",
  // @ts-expect-error UnixSeconds is a number
  createdAt: "2019-10-14T04:10:01Z",
  updatedAt: 1571026201,
};

/** What a client does with an error: a code the gateway does not send is refused everywhere. */
export function describeError(error: GraphQLErrorLike): string {
  if (hasErrorCode(error, "BAIDU_REJECTED"))
    return `Baidu refused delivery ${error.extensions.deliveryId}`;
  // @ts-expect-error not a gateway error code
  if (hasErrorCode(error, "NO_SUCH_CODE")) return "never";
  const code = errorCode(error);
  // @ts-expect-error not a gateway error code
  if (code === "BAD_INPUT") return "never";
  // @ts-expect-error not a gateway error code
  const unknown: GatewayErrorCode = "TIMEOUT";
  return code === GatewayErrorCode.QUERY_TOO_DEEP ? `too deep` : (code ?? unknown);
}
