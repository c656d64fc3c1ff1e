import type { ApolloServerPlugin } from "@apollo/server";
import {
  Kind,
  type FieldNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type ValueNode,
} from "graphql";
import { currentRequest } from "../ops/request-scope";
import type { GatewayContext } from "./context";

/**
 * Notes in the request's scope what the operation was, who asked, for which app, and how it ended;
 * the HTTP layer writes the one log line and counts the metric from it when the answer has gone.
 */
export function operationOutcomePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async contextCreationDidFail({ error }) {
      const scope = currentRequest();
      if (scope) scope.code = codeOf(error);
    },
    async requestDidStart({ contextValue }) {
      const scope = currentRequest();
      if (scope) scope.caller = contextValue.caller.name;
      return {
        async didResolveOperation({ operation, request }) {
          if (!scope || !operation) return;
          const first = firstField(operation);
          scope.operation = first?.name.value ?? operation.operation;
          // Both are the client's text: kept short in the log.
          const name = operation.name?.value;
          if (name) scope.operationName = name.slice(0, 100);
          const app = first && appKeyOf(first, request.variables ?? {});
          if (app !== undefined) scope.app = app.slice(0, 64);
        },
        async willSendResponse({ operation, response }) {
          if (!scope) return;
          scope.operation ??= operation
            ? (firstField(operation)?.name.value ?? "unparsed")
            : "unparsed";
          const errors =
            response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const first = errors?.[0];
          scope.code = first ? codeOf(first) : "OK";
          const extensions = first?.extensions ?? {};
          if (typeof extensions.requestId === "string") scope.baiduRequestId = extensions.requestId;
          if (typeof extensions.deliveryId === "string") scope.deliveryId = extensions.deliveryId;
        },
      };
    },
  };
}

function codeOf(error: Error | GraphQLFormattedError): string {
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  return typeof code === "string" ? code : "ERROR";
}

function firstField(operation: OperationDefinitionNode): FieldNode | undefined {
  return operation.selectionSet.selections.find(
    (selection): selection is FieldNode => selection.kind === Kind.FIELD,
  );
}

/** The app a root field acts for: `appKey`, or `input.appKey`, given inline or by variables. */
function appKeyOf(field: FieldNode, variables: Record<string, unknown>): string | undefined {
  for (const argument of field.arguments ?? []) {
    if (argument.name.value === "appKey") return text(argument.value, variables);
    if (argument.name.value !== "input") continue;
    const input = argument.value;
    if (input.kind === Kind.VARIABLE) {
      const value = variables[input.name.value] as { appKey?: unknown } | undefined;
      return typeof value?.appKey === "string" ? value.appKey : undefined;
    }
    if (input.kind === Kind.OBJECT) {
      const appKey = input.fields.find((f) => f.name.value === "appKey");
      return appKey && text(appKey.value, variables);
    }
  }
  return undefined;
}

function text(value: ValueNode, variables: Record<string, unknown>): string | undefined {
  if (value.kind === Kind.STRING) return value.value;
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === "string" ? given : undefined;
  }
  return undefined;
}
