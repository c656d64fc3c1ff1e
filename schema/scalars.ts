import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

function toSeconds(value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  throw new GraphQLError(
    "UnixSeconds must be a whole number of seconds since 1970-01-01T00:00:00Z",
  );
}

/**
 * A Unix timestamp in whole seconds. Not GraphQL's `Int`: a millisecond timestamp overflows `Int`
 * and would be refused with an unhelpful message, so the range check (which names milliseconds)
 * happens in validation, together with every other rule.
 */
export const UnixSeconds = new GraphQLScalarType<number, number>({
  name: "UnixSeconds",
  description:
    "A Unix timestamp in whole seconds (not milliseconds), e.g. 1571026201 for 2019-10-14T04:10:01Z.",
  serialize: toSeconds,
  parseValue: toSeconds,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT)
      throw new GraphQLError("UnixSeconds must be a whole number of seconds", { nodes: ast });
    return toSeconds(Number(ast.value));
  },
});
