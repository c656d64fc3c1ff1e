import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

/** What one GraphQL request may ask for; see "Limits" in README.md. */
export interface OperationLimits {
  /** Lexical tokens in the document (graphql-js stops parsing past it). */
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /**
   * Fields the answer may hold: 1 a field, times `first` (its default included; a variable counts
   * as the largest page, 100) for a connection and times 10 for any other list.
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
  /**
   * graphql-js gave up validating the document, past its own budget of work (such as hundreds of
   * copies of one field to compare); no `limit`, as graphql-js sets it.
   */
  QUERY_TOO_COMPLEX: "QUERY_TOO_COMPLEX",
} as const;
export type LimitCode = (typeof LimitCode)[keyof typeof LimitCode];

/** A request past one of the limits; `formatError` gives it its own code. */
export class OperationLimitError extends GraphQLError {
  constructor(
    readonly code: LimitCode,
    message: string,
    readonly limit: number,
  ) {
    super(message, { extensions: { code, limit } });
  }
}

/** A list whose size the request does not set counts as this many items. */
const LIST_GUESS = 10;
/**
 * The largest page a connection's `first` allows (`PageArgs`): what `first: $variable` counts as.
 */
const MAX_PAGE = 100;

/**
 * The value of each named fragment, worked out once per operation: a document whose fragments each
 * spread the next one twice doubles its work with every fragment when each spread is walked anew
 * (30 fragments, about 1 KB, held the process for most of an hour). A fragment met again while its
 * own value is being worked out (a cycle, which validation refuses anyway) counts 0.
 */
function fragmentValues(
  context: ValidationContext,
  valueOf: (fragment: FragmentDefinitionNode) => number,
): (name: string) => number {
  const known = new Map<string, number>();
  return (name) => {
    const value = known.get(name);
    if (value !== undefined) return value;
    known.set(name, 0);
    const fragment = context.getFragment(name);
    const worked = fragment ? valueOf(fragment) : 0;
    known.set(name, worked);
    return worked;
  };
}

/**
 * The cost of a selection: 1 a field, times its page (`first` as written, else its default) for a
 * connection, times LIST_GUESS for any other list; a connection's `edges` count through the
 * connection's page; introspection counts nothing. `spread` is the cost of a named fragment.
 */
function selectionCost(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  spread: (name: string) => number,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? context.getSchema().getType(selection.typeCondition.name.value)
        : parent;
      if (type) cost += selectionCost(context, selection.selectionSet, type, spread);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      cost += spread(selection.name.value);
      continue;
    }
    const field =
      selection.name.value.startsWith("__") || !(isObjectType(parent) || isInterfaceType(parent))
        ? undefined
        : parent.getFields()[selection.name.value];
    if (!field) continue;
    const children = selection.selectionSet
      ? selectionCost(context, selection.selectionSet, getNamedType(field.type), spread)
      : 0;
    if (field.name === "edges") {
      cost += children;
      continue;
    }
    const first = selection.arguments?.find((argument) => argument.name.value === "first")?.value;
    const page =
      first?.kind === Kind.INT
        ? Number(first.value)
        : first?.kind === Kind.VARIABLE
          ? MAX_PAGE
          : field.args.find((arg) => arg.name === "first")?.defaultValue;
    const size =
      typeof page === "number" ? page : isListType(getNullableType(field.type)) ? LIST_GUESS : 1;
    cost += 1 + size * children;
  }
  return cost;
}

/**
 * The cost limit, from the document alone, so that it runs once per distinct document (Apollo
 * keeps validated documents) and never coerces a request's variables a second time:
 * `first: $variable` counts as the largest page. graphql-armor's cost rule ignored arguments'
 * defaults, and graphql-query-complexity needs the variables, hence per request (53 µs each).
 */
function maxCostRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const root =
        operation.operation === "query"
          ? context.getSchema().getQueryType()
          : context.getSchema().getMutationType();
      const spread: (name: string) => number = fragmentValues(context, (fragment) => {
        const type = context.getSchema().getType(fragment.typeCondition.name.value);
        return type ? selectionCost(context, fragment.selectionSet, type, spread) : 0;
      });
      if (root && selectionCost(context, operation.selectionSet, root, spread) > max)
        context.reportError(
          new OperationLimitError(
            LimitCode.QUERY_TOO_COSTLY,
            `The operation has more cost than the gateway allows (${max})`,
            max,
          ),
        );
    },
  });
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
        context?.reportError(
          new OperationLimitError(
            code,
            `The operation has more ${what} than the gateway allows (${limit})`,
            limit,
          ),
        ),
    ],
  };
}

/** Every mutation field is a write: at most `max` of them in one operation, fragments included. */
function maxWritesRule(max: number): ValidationRule {
  return (context) => {
    const count = (selectionSet: SelectionSetNode, spread: (name: string) => number): number =>
      selectionSet.selections.reduce((writes, selection) => {
        if (selection.kind === Kind.FIELD)
          return writes + (selection.name.value === "__typename" ? 0 : 1);
        if (selection.kind === Kind.INLINE_FRAGMENT)
          return writes + count(selection.selectionSet, spread);
        return writes + spread(selection.name.value);
      }, 0);
    return {
      OperationDefinition(operation) {
        const spread: (name: string) => number = fragmentValues(context, (fragment) =>
          count(fragment.selectionSet, spread),
        );
        if (operation.operation === "mutation" && count(operation.selectionSet, spread) > max)
          context.reportError(
            new OperationLimitError(
              LimitCode.TOO_MANY_WRITES,
              `The operation has more writes than the gateway allows (${max})`,
              max,
            ),
          );
      },
    };
  };
}

/** Operations of a kind the schema does not have (subscriptions): refused as invalid, not run. */
const knownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    const schema = context.getSchema();
    const root =
      operation.operation === "query"
        ? schema.getQueryType()
        : operation.operation === "mutation"
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    if (!root)
      context.reportError(
        new GraphQLError(`This gateway has no ${operation.operation} operations`, {
          nodes: operation,
        }),
      );
  },
});

export function limitRules(limits: OperationLimits): ValidationRule[] {
  const depth = reported(LimitCode.QUERY_TOO_DEEP, limits.maxDepth, "levels of nesting");
  return [
    knownOperationTypesRule,
    maxDepthRule({ ...depth, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesRule(reported(LimitCode.TOO_MANY_ALIASES, limits.maxAliases, "aliases")),
    maxDirectivesRule(reported(LimitCode.TOO_MANY_DIRECTIVES, limits.maxDirectives, "directives")),
    maxCostRule(limits.maxCost),
    maxWritesRule(limits.maxWrites),
  ] as ValidationRule[];
}

/** graphql-js's own message when a document passes `maxTokens`. */
/** graphql-js's answer when validating a document would take it more work than it allows. */
export function isValidationAborted(message: string | undefined): boolean {
  return message === "Validation aborted.";
}

export function isTooManyTokens(message: string | undefined): boolean {
  return message !== undefined && /Document contains more th(?:an|at) \d+ tokens/.test(message);
}
