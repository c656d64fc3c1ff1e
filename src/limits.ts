import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { GraphQLError, Kind, type ValidationContext, type ValidationRule } from "graphql";

/** What one GraphQL request may ask for; see "Limits" in README.md. */
export interface OperationLimits {
  /** Lexical tokens in the document (graphql-js stops parsing past it). */
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** graphql-armor's cost: 2 per object field, 1 per scalar, ×1.5 per level of depth. */
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
    super(message, { extensions: { code, limit } });
  }
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

/** Every mutation field is a write: at most `max` of them in one operation. */
function maxWritesRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      if (operation.operation !== "mutation") return;
      const writes = operation.selectionSet.selections.filter((selection) => selection.kind !== Kind.FIELD || selection.name.value !== "__typename");
      if (writes.length > max)
        context.reportError(new OperationLimitError(LimitCode.TOO_MANY_WRITES, `The operation has more writes than the gateway allows (${max})`, max));
    },
  });
}

export function limitRules(limits: OperationLimits): ValidationRule[] {
  const depth = reported(LimitCode.QUERY_TOO_DEEP, limits.maxDepth, "levels of nesting");
  const cost = reported(LimitCode.QUERY_TOO_COSTLY, limits.maxCost, "cost");
  return [
    maxDepthRule({ ...depth, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesRule(reported(LimitCode.TOO_MANY_ALIASES, limits.maxAliases, "aliases")),
    maxDirectivesRule(reported(LimitCode.TOO_MANY_DIRECTIVES, limits.maxDirectives, "directives")),
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, propagateOnRejection: false, onReject: cost.onReject }),
    maxWritesRule(limits.maxWrites),
  ] as ValidationRule[];
}

/** graphql-js's own message when a document passes `maxTokens`. */
export function isTooManyTokens(message: string | undefined): boolean {
  return message !== undefined && /Document contains more th(?:an|at) \d+ tokens/.test(message);
}
