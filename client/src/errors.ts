import type { DeliveryState } from "../generated/graphql.js";
import { GatewayErrorCode, type LimitErrorCode } from "../generated/error-codes.js";

/**
 * One broken rule of a BAD_USER_INPUT error: the field's path from the argument down (such as
 * `input.order.products[0].price`) and what is wrong with it. The value sent is never repeated.
 */
export interface Violation {
  readonly path: string;
  readonly message: string;
}

/**
 * What `extensions` carries beside `code`, for the codes that carry more (the gateway's README,
 * "Errors").
 */
export interface ErrorDetails {
  BAD_USER_INPUT: {
    /**
     * Every problem found, each with its field path (at most 100). Absent only when graphql-js
     * refused a variable in a form the gateway does not take apart.
     */
    readonly violations?: readonly Violation[];
    /** How many more problems were found than `violations` lists. */
    readonly moreViolations?: number;
  };
  UNAUTHENTICATED: {
    /** Why the credentials were refused (such as `NO_CREDENTIALS`), where the gateway says. */
    readonly reason?: string;
    /** The token claim that is missing or not valid: its name, never its value. */
    readonly claim?: string;
  };
  FORBIDDEN: {
    /** The role the operation needs, when that is what the caller lacks. */
    readonly role?: string;
    /** The argument naming a Baidu app the caller may not act for (its value is not repeated). */
    readonly argument?: string;
  };
  BAIDU_REJECTED: {
    /** The delivery, now FAILED, that Baidu refused. */
    readonly deliveryId: string;
    /** Baidu's business error number, when it gave one. */
    readonly errno?: number;
    /** Baidu's gateway `error_code`, when it gave one. */
    readonly errorCode?: number;
    /** The HTTP status of Baidu's refusal, when it was neither of the above. */
    readonly httpStatus?: number;
    /** Baidu's own message, with anything secret taken out. */
    readonly baiduMessage?: string;
    /** Baidu's request id, when it sent one. */
    readonly requestId?: string;
    /** An earlier attempt ended with an unknown outcome: Baidu may have run it. */
    readonly outcomeUnknown?: true;
  };
  IDEMPOTENCY_KEY_REUSED: {
    /** The delivery of the earlier, different request with this key. */
    readonly deliveryId: string;
  };
  DELIVERY_STATE_CONFLICT: {
    readonly deliveryId: string;
    /** The state that does not allow the retry or cancel. */
    readonly state: DeliveryState;
  };
}

/** Every operation limit but the token count and graphql-js's own budget reports its limit. */
type LimitDetails = {
  [C in Exclude<LimitErrorCode, "QUERY_TOO_LONG" | "QUERY_TOO_COMPLEX">]: {
    /** The gateway's limit that the request passed. */
    readonly limit: number;
  };
};

/** Accepts only a type whose keys are gateway codes: a renamed code breaks the build here. */
type KeyedByCode<T extends { [K in keyof T]: K extends GatewayErrorCode ? unknown : never }> = T;

type Details = KeyedByCode<ErrorDetails & LimitDetails>;

/**
 * `extensions` of an error whose code is C; for a union of codes, a union discriminated by `code`.
 */
export type GatewayErrorExtensions<C extends GatewayErrorCode = GatewayErrorCode> =
  C extends GatewayErrorCode
    ? { readonly code: C } & (C extends keyof Details ? Details[C] : unknown) & {
          readonly [key: string]: unknown;
        }
    : never;

/**
 * What every client library's GraphQL errors look like: graphql-js's `GraphQLError` (urql), the
 * formatted errors of a response (fetch, Apollo Client, graphql-request).
 */
export interface GraphQLErrorLike {
  readonly message: string;
  readonly extensions?: { readonly [key: string]: unknown } | undefined;
}

/** A GraphQL error whose `extensions.code` is C. */
export type GatewayError<C extends GatewayErrorCode = GatewayErrorCode> = GraphQLErrorLike & {
  readonly extensions: GatewayErrorExtensions<C>;
};

const KNOWN: ReadonlySet<unknown> = new Set<unknown>(Object.values(GatewayErrorCode));

/** Whether a value is one of the codes in {@link GatewayErrorCode}. */
export function isGatewayErrorCode(value: unknown): value is GatewayErrorCode {
  return KNOWN.has(value);
}

/**
 * The error's `extensions.code`, or undefined when it has none or one this package does not know
 * (a gateway newer than the package).
 */
export function errorCode(error: GraphQLErrorLike): GatewayErrorCode | undefined {
  const code = error.extensions?.code;
  return isGatewayErrorCode(code) ? code : undefined;
}

/** Whether the error has `code`; if so, its `extensions` are typed with that code's details. */
export function hasErrorCode<E extends GraphQLErrorLike, C extends GatewayErrorCode>(
  error: E,
  code: C,
): error is E & GatewayError<C> {
  return error.extensions?.code === code;
}

/** The first of `errors` that has `code`, typed with that code's details; undefined if none. */
export function findError<E extends GraphQLErrorLike, C extends GatewayErrorCode>(
  errors: readonly E[] | null | undefined,
  code: C,
): (E & GatewayError<C>) | undefined {
  return errors?.find((error): error is E & GatewayError<C> => hasErrorCode(error, code));
}
