import { GraphQLError } from "graphql";
import { ErrorCode } from "../src/graphql/errors";

/** A ledger argument that breaks a rule, reported like every other input violation. */
export function badInput(argument: string, message: string): GraphQLError {
  return new GraphQLError(`Invalid input: ${argument}: ${message}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, violations: [{ path: argument, message }] },
  });
}

/** No delivery with this id that the caller's key may see (the two are not told apart). */
export function notFound(): GraphQLError {
  return new GraphQLError("No delivery with this id is visible to this API key", {
    extensions: { code: ErrorCode.NOT_FOUND },
  });
}
