import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import {
  BaiduBusinessError,
  BaiduCredentialsError,
  BaiduError,
  BaiduGatewayError,
  BaiduHttpError,
  isLoadRejected,
  isTokenRejected,
  isTransient,
} from "./baidu/errors";
import { describeError, type Logger } from "./log";
import { fromCoercionMessage, toViolations } from "./violations";

/** Every error code a client of this gateway can see. */
export const ErrorCode = {
  /** The input broke a rule; `extensions.violations` lists every problem with its field path. */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** No API key, or an unknown one. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** The API key may not write to this Baidu app. */
  FORBIDDEN: "FORBIDDEN",
  /** Baidu answered and refused; `extensions.errno` or `extensions.errorCode` and `baiduMessage` say why. */
  BAIDU_REJECTED: "BAIDU_REJECTED",
  /** Baidu could not be reached or kept failing after the retries were spent; `extensions.outcomeUnknown` says whether Baidu may have executed any attempt of the write. */
  BAIDU_UNAVAILABLE: "BAIDU_UNAVAILABLE",
  /** A fault on our side (such as a rejected app secret); details are in the server log only. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;

export function unauthenticated(): GraphQLError {
  return new GraphQLError("Send a valid API key as `Authorization: Bearer <key>`", {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
  });
}

export function forbidden(appKey: string): GraphQLError {
  return new GraphQLError(`This API key may not write to the Baidu app ${appKey}`, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** Builds Apollo's `formatError`: the one place where any error becomes a client-facing code. */
export function createFormatError(options: { logger: Logger; development: boolean }) {
  return (formatted: GraphQLFormattedError, thrown: unknown): GraphQLFormattedError => {
    const error = unwrapResolverError(thrown);
    const base = {
      message: formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    const debug = options.development && formatted.extensions?.stacktrace ? { stacktrace: formatted.extensions.stacktrace } : {};
    if (error instanceof ArgumentValidationError) {
      const violations = toViolations(error.extensions.validationErrors as never);
      const message = `Invalid input: ${violations.map((v) => `${v.path}: ${v.message}`).join("; ")}`;
      return { ...base, message, extensions: { code: ErrorCode.BAD_USER_INPUT, violations } };
    }
    const coercion =
      formatted.extensions?.code === ErrorCode.BAD_USER_INPUT
        ? fromCoercionMessage(formatted.message, (error as GraphQLError | undefined)?.originalError?.message)
        : undefined;
    if (coercion)
      return {
        ...base,
        message: `Invalid input: ${coercion.path}: ${coercion.message}`,
        extensions: { code: ErrorCode.BAD_USER_INPUT, violations: [coercion] },
      };
    if (error instanceof BaiduError) return { ...base, ...fromBaidu(error, options.logger) };
    if (error instanceof GraphQLError && formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
      return { ...base, extensions: { ...extensions, ...debug } };
    }
    options.logger.error("Unexpected error while serving a GraphQL request", describeError(error));
    return { ...base, message: "Internal server error", extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...debug } };
  };
}

/** Baidu failures by cause: our configuration, Baidu's availability, or Baidu's verdict on the request. */
function fromBaidu(error: BaiduError, logger: Logger): Pick<GraphQLFormattedError, "message" | "extensions"> {
  const unavailable = isTransient(error) || isLoadRejected(error);
  // Credentials refused, fresh tokens rejected, or any lasting refusal of the token request itself.
  if (error instanceof BaiduCredentialsError || isTokenRejected(error) || (!error.sent && !unavailable)) {
    logger.error("Baidu refused the gateway's credentials; answering INTERNAL_SERVER_ERROR", describeError(error));
    return { message: "Internal server error", extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...mayHaveRun(error) } };
  }
  if (unavailable) {
    logger.warn("Baidu unavailable after retries", describeError(error));
    // A caller retrying appendAfterSaleOrders after an unknown outcome may add its items twice.
    return { message: `Baidu is unavailable: ${error.message}`, extensions: { code: ErrorCode.BAIDU_UNAVAILABLE, outcomeUnknown: error.outcomeUnknown } };
  }
  const rejected = (detail: string, extensions: Record<string, unknown>) => ({
    message: `Baidu rejected the request: ${detail}`,
    extensions: { code: ErrorCode.BAIDU_REJECTED, ...extensions, ...mayHaveRun(error) },
  });
  // Baidu's texts were redacted when the error was made (toBaiduError).
  if (error instanceof BaiduBusinessError)
    return rejected(`errno ${error.errno}: ${error.baiduMessage}`, { errno: error.errno, baiduMessage: error.baiduMessage });
  if (error instanceof BaiduGatewayError)
    return rejected(`error_code ${error.errorCode}: ${error.errorMsg}`, { errorCode: error.errorCode, baiduMessage: error.errorMsg });
  if (error instanceof BaiduHttpError) return rejected(`HTTP ${error.status}`, { httpStatus: error.status });
  logger.error("Unclassified Baidu failure", describeError(error));
  return { message: "Internal server error", extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/**
 * A refusal that followed an attempt with an unknown outcome (a timeout, say): that attempt may
 * still have run at Baidu, and the caller must know before retrying an append.
 */
function mayHaveRun(error: BaiduError): { outcomeUnknown?: true } {
  return error.outcomeUnknown ? { outcomeUnknown: true } : {};
}
