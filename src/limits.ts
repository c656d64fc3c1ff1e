import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import type { ApolloServerPlugin } from "@apollo/server";
import {
  getNullableType,
  GraphQLError,
  isListType,
  Kind,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";

/** What one GraphQL request may ask for; see "Limits" in README.md. */
export interface OperationLimits {
  /** Lexical tokens in the document (graphql-js stops parsing past it). */
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /**
   * Fields the answer may hold: 1 a field, times `first` (its default included) for a connection
   * and times 10 for any other list, computed with the request's variables.
   */
  maxCost: number;
  /** Mutation fields in one operation: each is a write to Baidu. */
  maxWrites: number;
  /** Parsed documents kept for reuse, by count and by (estimated) bytes. */
  documentCacheEntries: number;
  documentCacheBytes: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxTokens: 2000,
  maxDepth: 12,
  maxAliases: 20,
  maxDirectives: 20,
  maxCost: 50_000,
  maxWrites: 5,
  documentCacheEntries: 1000,
  documentCacheBytes: 32 * 1024 * 1024,
};

/** The codes of the refusals, in `extensions.code` (HTTP 400). */
export const LimitCode = {
  QUERY_TOO_LONG: "QUERY_TOO_LONG",
  QUERY_TOO_DEEP: "QUERY_TOO_DEEP",
  TOO_MANY_ALIASES: "TOO_MANY_ALIASES",
  TOO_MANY_DIRECTIVES: "TOO_MANY_DIRECTIVES",
  QUERY_TOO_COSTLY: "QUERY_TOO_COSTLY",
  TOO_MANY_WRITES: "TOO_MANY_WRITES",
} as const;
export type LimitCode = (typeof LimitCode)[keyof typeof LimitCode];

/** A request past one of the limits; `formatError` gives it its own code. */
export class OperationLimitError extends GraphQLError {
  constructor(
    readonly code: LimitCode,
    message: string,
    readonly limit: number,
  ) {
    super(message, { extensions: { code, limit, http: { status: 400 } } });
  }
}

/** A list whose size the request does not set counts as this many items. */
const LIST_GUESS = 10;

/** graphql-query-complexity's estimate, with the argument values the request really has (defaults and variables included). */
export const estimate: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  // A connection's `edges` are counted by the connection's own `first`; introspection (development only) not at all.
  if (field.name === "edges" || type.name.startsWith("__") || field.name.startsWith("__")) return childComplexity;
  const first = typeof args.first === "number" ? args.first : undefined;
  const size = first ?? (isListType(getNullableType(field.type)) ? LIST_GUESS : 1);
  return 1 + size * childComplexity;
};

/**
 * The cost limit, once the operation and its variables are known (a validation rule sees neither
 * the variables nor the arguments' defaults, so `deliveries` without `first` would count as one).
 */
export function costPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: operationName ?? undefined,
              estimators: [estimate],
            });
          } catch {
            return; // Variables that do not fit: execution refuses them, with the usual message.
          }
          if (cost > maxCost)
            throw new OperationLimitError(LimitCode.QUERY_TOO_COSTLY, `The operation has more cost than the gateway allows (${maxCost})`, maxCost);
        },
      };
    },
  };
}

/**
 * graphql-armor's rules throw by default, which would make a refusal a 500: here each reports a
 * validation error instead, with a message of our own (the library's says "Syntax Error").
 */
function reported(code: LimitCode, limit: number, what: string) {
  return {
    n: limit,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null) =>
        context?.reportError(new OperationLimitError(code, `The operation has more ${what} than the gateway allows (${limit})`, limit)),
    ],
  };
}

/** Every mutation field is a write: at most `max` of them in one operation, fragments included. */
function maxWritesRule(max: number): ValidationRule {
  return (context) => {
    const count = (selectionSet: SelectionSetNode, seen: Set<string>): number =>
      selectionSet.selections.reduce((writes, selection) => {
        if (selection.kind === Kind.FIELD) return writes + (selection.name.value === "__typename" ? 0 : 1);
        if (selection.kind === Kind.INLINE_FRAGMENT) return writes + count(selection.selectionSet, seen);
        const fragment = seen.has(selection.name.value) ? undefined : context.getFragment(selection.name.value);
        return fragment ? writes + count(fragment.selectionSet, new Set([...seen, selection.name.value])) : writes;
      }, 0);
    return {
      OperationDefinition(operation) {
        if (operation.operation === "mutation" && count(operation.selectionSet, new Set()) > max)
          context.reportError(new OperationLimitError(LimitCode.TOO_MANY_WRITES, `The operation has more writes than the gateway allows (${max})`, max));
      },
    };
  };
}

/** Operations of a kind the schema does not have (subscriptions): refused as invalid, not run. */
const knownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    const schema = context.getSchema();
    const root =
      operation.operation === "query" ? schema.getQueryType() : operation.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) context.reportError(new GraphQLError(`This gateway has no ${operation.operation} operations`, { nodes: operation }));
  },
});

export function limitRules(limits: OperationLimits): ValidationRule[] {
  const depth = reported(LimitCode.QUERY_TOO_DEEP, limits.maxDepth, "levels of nesting");
  return [
    knownOperationTypesRule,
    maxDepthRule({ ...depth, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesRule(reported(LimitCode.TOO_MANY_ALIASES, limits.maxAliases, "aliases")),
    maxDirectivesRule(reported(LimitCode.TOO_MANY_DIRECTIVES, limits.maxDirectives, "directives")),
    maxWritesRule(limits.maxWrites),
  ] as ValidationRule[];
}

/** graphql-js's own message when a document passes `maxTokens`. */
export function isTooManyTokens(message: string | undefined): boolean {
  return message !== undefined && /Document contains more th(?:an|at) \d+ tokens/.test(message);
}
