import { unwrapResolverError } from "@apollo/server/errors";
import { isTooManyTokens, isValidationAborted, LimitCode, OperationLimitError } from "./limits";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import {
  DeliveryRejectedError,
  DeliveryStateError,
  IdempotencyConflictError,
} from "../delivery/errors";
import type { Role } from "../auth/roles";
import { AuthenticationError } from "../auth/failure";
import { InputValidationError } from "./argument-root";
import { withoutEcho } from "./echo";
import { describeError, type Logger } from "../ops/log";
import { fromCoercionMessage, toViolations } from "./violations";

/** Every error code a client of this gateway can see. */
export const ErrorCode = {
  /**
   * The input broke a rule; `extensions.violations` lists every problem with its field path (the
   * first 100; `extensions.moreViolations` counts any others).
   */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /**
   * No API key or token, an unknown key, or a token refused; `extensions.reason` says which
   * (`AuthFailure`), `extensions.claim` names a missing or invalid claim.
   */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /**
   * The caller lacks the role the operation needs (`extensions.role`), or may not act for the
   * Baidu app an argument names (`extensions.argument`).
   */
  FORBIDDEN: "FORBIDDEN",
  /**
   * Baidu refused the write for good (its delivery ended FAILED): `extensions.deliveryId`, and
   * `errno`, `errorCode` or `httpStatus` with `baiduMessage`; `outcomeUnknown` if an earlier
   * attempt may have run.
   */
  BAIDU_REJECTED: "BAIDU_REJECTED",
  /**
   * The idempotencyKey was used before for a different request to this app; `extensions.deliveryId`
   * is that delivery.
   */
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  /**
   * retryDelivery or cancelDelivery on a delivery whose state does not allow it;
   * `extensions.state`.
   */
  DELIVERY_STATE_CONFLICT: "DELIVERY_STATE_CONFLICT",
  /** No delivery with that id is visible to the caller. */
  NOT_FOUND: "NOT_FOUND",
  /** A fault on our side (such as a rejected app secret); details are in the server log only. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  /**
   * The gateway is still opening or migrating its store (HTTP 503, `retry-after`); try again
   * shortly.
   */
  GATEWAY_STARTING: "GATEWAY_STARTING",
} as const;

/**
 * UNAUTHENTICATED for a refused credential, with its reason: HTTP 401, or 503 when the fault is the
 * provider's (its keys cannot be fetched).
 */
export function unauthenticated(error: AuthenticationError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: ErrorCode.UNAUTHENTICATED,
      reason: error.reason,
      ...(error.claim ? { claim: error.claim } : {}),
      http: { status: error.reason === "KEYS_UNAVAILABLE" ? 503 : 401 },
    },
  });
}

/** Authentication for a GraphQL request: a refused credential becomes UNAUTHENTICATED. */
export async function authenticatedBy<T>(authenticate: Promise<T>): Promise<T> {
  try {
    return await authenticate;
  } catch (error) {
    throw error instanceof AuthenticationError ? unauthenticated(error) : error;
  }
}

/** The caller lacks a role the field needs; the field is a schema name, not the caller's words. */
export function forbiddenRole(role: Role, field: string): GraphQLError {
  return new GraphQLError(`This caller lacks the role ${role}, which ${field} needs`, {
    extensions: { code: ErrorCode.FORBIDDEN, role },
  });
}

/**
 * The caller may not act for the Baidu app named by an argument: the argument is named, its value
 * (the caller's input, which may be anything) is not repeated.
 */
export function forbiddenApp(argument: string): GraphQLError {
  return new GraphQLError(`This caller may not act for the Baidu app named in ${argument}`, {
    extensions: { code: ErrorCode.FORBIDDEN, argument },
  });
}

/**
 * The most violations one answer lists: enough for any real input, while a hostile one (thousands
 * of broken items) cannot make an answer megabytes long.
 */
const MAX_VIOLATIONS = 100;

/** Builds Apollo's `formatError`: the one place where any error becomes a client-facing code. */
export function createFormatError(options: {
  logger: Logger;
  development: boolean;
  schemaNames: ReadonlySet<string>;
}) {
  return (formatted: GraphQLFormattedError, thrown: unknown): GraphQLFormattedError => {
    const error = unwrapResolverError(thrown);
    const base = {
      message: formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    const debug =
      options.development && formatted.extensions?.stacktrace
        ? { stacktrace: formatted.extensions.stacktrace }
        : {};
    if (error instanceof ArgumentValidationError) {
      const root = error instanceof InputValidationError ? error.root : "input";
      const all = toViolations(error.extensions.validationErrors as never, root);
      // An answer lists at most MAX_VIOLATIONS; `moreViolations` counts the rest.
      const violations = all.slice(0, MAX_VIOLATIONS);
      const more = all.length - violations.length;
      const message =
        `Invalid input: ${violations.map((v) => `${v.path}: ${v.message}`).join("; ")}` +
        (more > 0 ? `; and ${more} more` : "");
      return {
        ...base,
        message,
        extensions: {
          code: ErrorCode.BAD_USER_INPUT,
          violations,
          ...(more > 0 && { moreViolations: more }),
        },
      };
    }
    const coercion =
      formatted.extensions?.code === ErrorCode.BAD_USER_INPUT
        ? fromCoercionMessage(
            formatted.message,
            (error as GraphQLError | undefined)?.originalError?.message,
          )
        : undefined;
    if (coercion)
      return {
        ...base,
        message: `Invalid input: ${coercion.path}: ${coercion.message}`,
        extensions: { code: ErrorCode.BAD_USER_INPUT, violations: [coercion] },
      };
    const ledger = fromLedger(error);
    if (ledger) return { ...base, ...ledger };
    const limit = fromLimits(error, formatted.message);
    if (limit) return limit;
    if (
      error instanceof GraphQLError &&
      formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR
    ) {
      const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
      // Errors about the request itself (parse, validation, operation name) quote it: not the
      // caller's words.
      const fromRequest =
        typeof extensions.code === "string" && REQUEST_ERROR_CODES.has(extensions.code);
      const message = fromRequest ? withoutEcho(base.message, options.schemaNames) : base.message;
      return { ...base, message, extensions: { ...extensions, ...debug } };
    }
    options.logger.error("Unexpected error while serving a GraphQL request", describeError(error));
    return {
      ...base,
      message: "Internal server error",
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...debug },
    };
  };
}

/** The delivery errors a mutation can end with. */
function fromLedger(
  error: unknown,
): Pick<GraphQLFormattedError, "message" | "extensions"> | undefined {
  if (error instanceof IdempotencyConflictError) {
    return {
      message: error.message,
      extensions: { code: ErrorCode.IDEMPOTENCY_KEY_REUSED, deliveryId: String(error.deliveryId) },
    };
  }
  if (error instanceof DeliveryStateError) {
    return {
      message: error.message,
      extensions: {
        code: ErrorCode.DELIVERY_STATE_CONFLICT,
        deliveryId: String(error.deliveryId),
        state: error.state,
      },
    };
  }
  if (!(error instanceof DeliveryRejectedError)) return undefined;
  const { delivery } = error;
  const failure = delivery.lastError;
  // Baidu's texts were redacted when the error was made (toBaiduError).
  const baiduMessage = failure?.baiduMessage ?? "";
  const [reason, detail] =
    failure?.errno !== undefined
      ? [`errno ${failure.errno}: ${baiduMessage}`, { errno: failure.errno, baiduMessage }]
      : failure?.errorCode !== undefined
        ? [
            `error_code ${failure.errorCode}: ${baiduMessage}`,
            { errorCode: failure.errorCode, baiduMessage },
          ]
        : failure?.httpStatus !== undefined
          ? [`HTTP ${failure.httpStatus}`, { httpStatus: failure.httpStatus }]
          : [failure?.message ?? "no reason recorded", {}];
  return {
    message: `Baidu rejected the request: ${reason}`,
    extensions: {
      code: ErrorCode.BAIDU_REJECTED,
      deliveryId: String(delivery.id),
      ...detail,
      ...(failure?.requestId !== undefined ? { requestId: failure.requestId } : {}),
      // A refusal that followed an attempt with an unknown outcome: that attempt may still have
      // run.
      ...(delivery.mayHaveExecuted ? { outcomeUnknown: true } : {}),
    },
  };
}

/** Apollo's codes for errors found in the request before anything runs. */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

/** A request past an operation limit (README, "Limits"): its own code, and the limit. */
function fromLimits(
  error: unknown,
  message: string,
): (Omit<GraphQLFormattedError, "message"> & { message: string }) | undefined {
  const original =
    error instanceof OperationLimitError
      ? error
      : error instanceof GraphQLError
        ? error.originalError
        : undefined;
  if (original instanceof OperationLimitError)
    return {
      message: original.message,
      extensions: { code: original.code, limit: original.limit },
    };
  if (isValidationAborted(message))
    return {
      message:
        "The operation takes more work to check than the gateway allows (such as many copies of one field); write it more simply",
      extensions: { code: LimitCode.QUERY_TOO_COMPLEX },
    };
  if (!isTooManyTokens(original?.message ?? message)) return undefined;
  return {
    message: "The operation is longer than the gateway allows (limits.maxTokens)",
    extensions: { code: LimitCode.QUERY_TOO_LONG },
  };
}
