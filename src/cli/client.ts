import { repositoryPath } from "../lib/repository";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ApolloServerErrorCode } from "@apollo/server/errors";
import * as ts from "typescript";
import { ErrorCode } from "../graphql/errors";
import { LimitCode } from "../graphql/limits";

/**
 * `npm run client`: the client package's generated files (client/generated/), from the committed
 * SDL with client/codegen.yml, and from the gateway's own error codes.
 */
export const CLIENT_CODEGEN = "client/codegen.yml";
export const ERROR_CODES_FILE = "client/generated/error-codes.ts";

/**
 * The codes Apollo Server can send, and what makes this gateway send each; null for those it never
 * sends. An Apollo upgrade with a new code does not compile until the code is placed here.
 */
const APOLLO_CODES: Record<ApolloServerErrorCode, string | null> = {
  [ApolloServerErrorCode.GRAPHQL_PARSE_FAILED]:
    "The document is not GraphQL (HTTP 400); the message keeps the schema's names only.",
  [ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED]:
    "The document is not valid against the schema, or is a subscription (HTTP 400).",
  [ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE]:
    "The request's `operationName` names no operation of the document, or is missing for several.",
  [ApolloServerErrorCode.BAD_REQUEST]:
    "Not a GraphQL request: the body is not JSON or has no `query`, or CSRF prevention blocked it (HTTP 400).",
  [ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED]:
    "Automatic persisted queries are off: send the whole document (HTTP 200).",
  // The gateway's own ErrorCode has these two.
  [ApolloServerErrorCode.BAD_USER_INPUT]: null,
  [ApolloServerErrorCode.INTERNAL_SERVER_ERROR]: null,
  // Only a server with persisted queries on looks a hash up.
  [ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND]: null,
};

/** A group of codes in the generated file, with where its codes and their TSDoc come from. */
interface CodeGroup {
  /** The comment lines above the group. */
  heading: readonly string[];
  codes: readonly string[];
  docs: ReadonlyMap<string, readonly string[]>;
}

/** The repository's root, from src/cli or dist/src/cli. */
export function repositoryRoot(): string {
  return dirname(dirname(repositoryPath(CLIENT_CODEGEN, __dirname)));
}

/** The text of a TSDoc comment (`/** … *\/`), a line each; undefined for any other comment. */
function docLines(comment: string): string[] | undefined {
  if (!comment.startsWith("/**")) return undefined;
  const lines = comment
    .slice(3, -2)
    .split("\n")
    .map((line) => line.replace(/^\s*\*? ?/, "").trimEnd());
  while (lines[0] === "") lines.shift();
  while (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * The TSDoc of `export const <name> = { … } as const` in a source file: the object's own, and each
 * member's by key.
 */
export function constantDocs(
  source: string,
  name: string,
): { object: string[] | undefined; members: Map<string, string[]> } {
  const file = ts.createSourceFile("source.ts", source, ts.ScriptTarget.Latest, true);
  const docBefore = (node: ts.Node) =>
    (ts.getLeadingCommentRanges(source, node.pos) ?? [])
      .map((range) => docLines(source.slice(range.pos, range.end)))
      .filter((lines) => lines !== undefined)
      .at(-1);
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      let value = declaration.initializer;
      while (value && ts.isAsExpression(value)) value = value.expression;
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== name) continue;
      if (!value || !ts.isObjectLiteralExpression(value)) break;
      const members = new Map<string, string[]>();
      for (const property of value.properties) {
        const docs = docBefore(property);
        if (property.name && ts.isIdentifier(property.name) && docs)
          members.set(property.name.text, docs);
      }
      return { object: docBefore(statement), members };
    }
  }
  throw new Error(`no object literal named ${name} in the source`);
}

/** A group of the gateway's codes: the object's values, with the docs of its source file. */
function fromSource(root: string, file: string, name: string, values: object): CodeGroup {
  const docs = constantDocs(readFileSync(join(root, file), "utf8"), name);
  return {
    heading: [`${name} in ${file}:`, ...(docs.object ?? [])],
    codes: Object.values(values).map(String),
    docs: docs.members,
  };
}

function fromTable(heading: readonly string[], table: Record<string, string | null>): CodeGroup {
  const entries = Object.entries(table).filter((entry): entry is [string, string] => !!entry[1]);
  return {
    heading,
    codes: entries.map(([code]) => code),
    docs: new Map(entries.map(([code, doc]) => [code, [doc]])),
  };
}

function renderDoc(lines: readonly string[]): string[] {
  if (lines.length === 0) return [];
  const single = `  /** ${lines[0]} */`;
  if (lines.length === 1 && single.length <= 100) return [single];
  return ["  /**", ...lines.map((line) => (line ? `   * ${line}` : "   *")), "   */"];
}

/** client/generated/error-codes.ts: every code the gateway sends, as a constant and a union. */
export function renderErrorCodes(root: string): string {
  const groups = [
    fromSource(root, "src/graphql/errors.ts", "ErrorCode", ErrorCode),
    fromSource(root, "src/graphql/limits.ts", "LimitCode", LimitCode),
    fromTable(["Apollo Server's (@apollo/server/errors), those the gateway sends."], APOLLO_CODES),
  ];
  const seen = new Set<string>();
  const body = groups.flatMap((group) => {
    const fresh = group.codes.filter((code) => !seen.has(code) && seen.add(code));
    return fresh.length === 0
      ? []
      : [
          "",
          ...group.heading.map((line) => `  // ${line}`),
          ...fresh.flatMap((code) => [
            ...renderDoc(group.docs.get(code) ?? []),
            `  ${code}: "${code}",`,
          ]),
        ];
  });
  const limits = Object.values(LimitCode).map((code) => `"${code}"`);
  return [
    "// Generated by `npm run client` (src/cli/client.ts) from the gateway's ErrorCode and LimitCode and",
    "// Apollo Server's codes. Do not edit.",
    "",
    "/** Every `extensions.code` the gateway sends in a GraphQL error. */",
    "export const GatewayErrorCode = {",
    ...body.slice(1),
    "} as const;",
    "",
    "/** One of the codes in {@link GatewayErrorCode}. */",
    "export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];",
    "",
    "/** The codes of requests past an operation limit (HTTP 400; nothing ran). */",
    `export type LimitErrorCode =\n${limits.map((code) => `  | ${code}`).join("\n")};`,
    "",
  ].join("\n");
}

/**
 * The part of @graphql-codegen/cli used here, `Config` being its configuration's type. It is a
 * devDependency: required by name at run time, so that building the gateway without
 * devDependencies (npm ci --omit=dev) needs no types of it.
 */
export interface CodegenCli<Config extends object = object> {
  loadCodegenConfig: (options: { configFilePath: string }) => Promise<{ config: Config }>;
  generate: (
    config: Config & { cwd: string; silent: boolean },
    saveToFile: false,
  ) => Promise<unknown>;
}

function requireCodegen<Config extends object>(): CodegenCli<Config> {
  const name = "@graphql-codegen/cli";
  return require(name) as CodegenCli<Config>;
}

/** Every generated file of the client package: its path from the root, and its text. */
export async function renderClient<Config extends object = object>(
  root = repositoryRoot(),
  codegen = requireCodegen<Config>(),
): Promise<Map<string, string>> {
  const configFilePath = join(root, CLIENT_CODEGEN);
  const { config } = await codegen.loadCodegenConfig({ configFilePath });
  const outputs = await codegen.generate({ ...config, cwd: root, silent: true }, false);
  const files = new Map<string, string>();
  for (const output of Array.isArray(outputs) ? outputs : []) {
    const { filename, content } = output as { filename?: unknown; content?: unknown };
    if (typeof filename !== "string" || typeof content !== "string")
      throw new Error("GraphQL Code Generator gave an output without filename or content");
    files.set(filename, content);
  }
  if (files.size === 0) throw new Error(`${CLIENT_CODEGEN} generated nothing`);
  files.set(ERROR_CODES_FILE, renderErrorCodes(root));
  return files;
}

if (require.main === module) {
  const root = repositoryRoot();
  renderClient(root)
    .then((files) => {
      for (const [file, text] of files) {
        writeFileSync(join(root, file), text);
        process.stdout.write(`wrote ${file}\n`);
      }
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
