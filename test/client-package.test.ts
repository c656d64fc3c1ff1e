import { execFile, spawn } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { buildSchema } from "graphql";
import * as ts from "typescript";
import { ApolloServerErrorCode } from "@apollo/server/errors";
import type * as CodegenModule from "@graphql-codegen/cli";
import { ERROR_CODES_FILE, renderClient, type CodegenCli } from "../src/cli/client";
import { ErrorCode } from "../src/graphql/errors";
import { LimitCode } from "../src/graphql/limits";
import { ENDPOINTS, TOKEN_PATH } from "../src/baidu/endpoints";
import * as ex from "./support/examples";
import { ADMIN_KEY, OTHER, SHOP, startHarness, testClock } from "./support/harness";

const ROOT = join(__dirname, "..");
const PACKAGE = "@baidu-ordercenter-gateway/client";
const run = promisify(execFile);

/** The codes in the committed client/generated/error-codes.ts. */
function packageCodes(): string[] {
  const text = readFileSync(join(ROOT, ERROR_CODES_FILE), "utf8");
  return [...text.matchAll(/^ {2}([A-Z_]+): "\1",$/gm)].map(([, code]) => code!);
}

describe("the client package (client/)", () => {
  it("is what `npm run client` makes of the committed SDL and the gateway's codes (run it after changing either)", async () => {
    // GraphQL Code Generator requires ES modules, which Jest's sandbox cannot: Node's own loader.
    const codegen: CodegenCli<CodegenModule.CodegenConfig> = (
      globalThis as unknown as { __nativeRequire: NodeJS.Require }
    ).__nativeRequire("@graphql-codegen/cli") as typeof CodegenModule;
    const files = await renderClient(ROOT, codegen);
    expect([...files.keys()].sort()).toEqual([
      "client/generated/error-codes.ts",
      "client/generated/graphql.ts",
    ]);
    for (const [file, text] of files)
      expect({ file, text: readFileSync(join(ROOT, file), "utf8") }).toEqual({ file, text });
  });

  it("has every error code of the gateway's source, and every operation of the schema", () => {
    const written = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) => [
        ...readFileSync(join(ROOT, "src", file), "utf8").matchAll(/\bcode: "([A-Z][A-Z_]+)"/g),
      ])
      .map(([, code]) => code!);
    const codes = new Set(packageCodes());
    const sources = [...Object.values(ErrorCode), ...Object.values(LimitCode), ...written];
    expect(sources.filter((code) => !codes.has(code))).toEqual([]);

    const schema = buildSchema(readFileSync(join(ROOT, "schema", "schema.graphql"), "utf8"));
    const rootFields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields()),
    );
    const documents = readdirSync(join(ROOT, "client", "operations"))
      .filter((file) => file !== "fragments.graphql")
      .map((file) => file.replace(/\.graphql$/, ""));
    expect(documents.sort()).toEqual(rootFields.sort());
  });

  it("has Apollo's codes as the gateway sends them, and none it does not send", async () => {
    const h = await startHarness();
    try {
      const post = async (body: string, type = "application/json") => {
        const response = await fetch(h.gateway.graphqlUrl, {
          method: "POST",
          headers: { "content-type": type, authorization: `Bearer ${ADMIN_KEY}` },
          body,
        });
        const { errors } = (await response.json()) as {
          errors: { extensions: { code: string } }[];
        };
        return `${response.status} ${errors.map((error) => error.extensions.code).join()}`;
      };
      const query = (document: object) => JSON.stringify(document);
      const sent = {
        parse: await post(query({ query: "{" })),
        validation: await post(query({ query: "{ nope }" })),
        subscription: await post(query({ query: "subscription { apps { name } }" })),
        operationName: await post(
          query({ query: "query A { apps { name } }", operationName: "B" }),
        ),
        notJson: await post("{"),
        noQuery: await post(query({})),
        forgeable: await post(query({ query: "{ apps { name } }" }), "text/plain"),
        // A hash alone: with persisted queries off, Apollo looks nothing up (no ..._NOT_FOUND).
        persisted: await post(
          query({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }),
        ),
      };
      expect(sent).toEqual({
        parse: "400 GRAPHQL_PARSE_FAILED",
        validation: "400 GRAPHQL_VALIDATION_FAILED",
        subscription: "400 GRAPHQL_VALIDATION_FAILED",
        operationName: "400 OPERATION_RESOLUTION_FAILURE",
        notJson: "400 BAD_REQUEST",
        noQuery: "400 BAD_REQUEST",
        forgeable: "400 BAD_REQUEST",
        persisted: "200 PERSISTED_QUERY_NOT_SUPPORTED",
      });
      const apollo = new Set<string>(Object.values(ApolloServerErrorCode));
      const gateways = new Set<string>(Object.values(ErrorCode));
      expect(
        packageCodes()
          .filter((code) => apollo.has(code) && !gateways.has(code))
          .sort(),
      ).toEqual([...new Set(Object.values(sent).map((answer) => answer.split(" ")[1]!))].sort());
    } finally {
      await h.close();
    }
  });

  describe("installed from its tarball", () => {
    let work: string;
    let packed: string[];
    /** The client's files, compiled against the installed package: its directory. */
    let app: string;
    /** The compilers' complaints about the client, built for Node and checked for bundlers. */
    let diagnostics: { node: string[]; bundler: string[] };
    jest.setTimeout(120_000);

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), "gateway-client-"));
      // The package alone, built by its own `npm pack` with only its peer dependencies at hand.
      const source = join(work, "source");
      cpSync(join(ROOT, "client"), source, {
        recursive: true,
        filter: (path) => !/[/\\](dist|node_modules)$/.test(path),
      });
      linkModules(join(work, "node_modules"), ["graphql", "@graphql-typed-document-node/core"]);
      const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], {
        cwd: source,
        env: {
          ...process.env,
          PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH}`,
        },
      });
      const [tarball] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      packed = tarball!.files.map((file) => file.path).sort();

      app = join(work, "app");
      const installed = join(app, "node_modules", ...PACKAGE.split("/"));
      mkdirSync(dirname(installed), { recursive: true });
      await run("tar", ["-xzf", join(work, tarball!.filename), "-C", dirname(installed)]);
      renameSync(join(dirname(installed), "package"), installed);
      linkModules(join(app, "node_modules"), [
        "graphql",
        "@graphql-typed-document-node/core",
        "@types/node",
      ]);
      writeFileSync(join(app, "package.json"), '{ "private": true, "type": "module" }\n');
      cpSync(join(ROOT, "test", "client"), join(app, "src"), { recursive: true });
      writeFileSync(join(app, "src", "gateway-client.ts"), `export * from "${PACKAGE}";\n`);
      diagnostics = {
        node: compile(app, {
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          outDir: join(app, "dist"),
        }),
        bundler: compile(app, {
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          noEmit: true,
          // The declarations were checked once, above.
          skipLibCheck: true,
        }),
      };
    });

    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it("holds the built package and its operations, and no source", () => {
      expect(
        packed.filter((path) => !/^(dist\/.+\.(js|d\.ts)|operations\/\w+\.graphql)$/.test(path)),
      ).toEqual(["README.md", "package.json"]);
      expect(packed).toEqual(
        expect.arrayContaining([
          "dist/src/index.js",
          "dist/src/index.d.ts",
          "operations/order.graphql",
        ]),
      );
    });

    it("compiles a strict client against it, for Node and for bundlers; an unknown error code does not compile", () => {
      // test/client/types.ts asserts the types (UnixSeconds is number, …) and refuses unknown codes
      // with `@ts-expect-error`, which is itself an error where no error follows.
      expect(diagnostics).toEqual({ node: [], bundler: [] });
    });

    it("runs that client against the gateway: a write, reads, and typed refusals", async () => {
      const h = await startHarness({ clock: testClock(Date.UTC(2026, 0, 1)).clock });
      try {
        ex.seedExampleOrders(h.emulator, { afterSale: true });
        const output = await runNode(join(app, "dist", "main.js"), [
          h.gateway.graphqlUrl,
          ADMIN_KEY,
          SHOP.appKey,
        ]);
        // The test clock stands still: every time is the moment the harness started.
        const at = "2026-01-01T00:00:00.000Z";
        const result = {
          resourceId: "2221554346520",
          appKey: SHOP.appKey,
          categoryCode: 2,
          rowsAffected: 1,
          applied: true,
          reportedByBaidu: true,
        };
        const cursor = Buffer.from("delivery:1").toString("base64url");
        expect(JSON.parse(output)).toEqual({
          write: {
            dryRun: false,
            allApplied: true,
            results: [result],
            request: null,
            delivery: {
              id: "1",
              state: "DELIVERED",
              appKey: SHOP.appKey,
              operation: "updateAfterSaleOrder",
              caller: "admin",
              idempotencyKey: null,
              resourceIds: ["2221554346520"],
              acceptedAt: at,
              updatedAt: at,
              finishedAt: at,
              nextAttemptAt: null,
              deadlineAt: "2026-01-02T00:00:00.000Z",
              attemptCount: 1,
              outcomeUnknown: false,
              lastError: null,
              results: [result],
              supersededBy: null,
              retryOf: null,
            },
          },
          sentCreatedAt: "1571026201",
          order: {
            appKey: SHOP.appKey,
            resourceId: "2221554346520",
            categoryCode: 2,
            statusCode: null,
            title: null,
            afterSaleStatusCode: 401,
            afterSaleOrders: [{ subOrderId: "onlyOne", statusCode: 401, typeCode: 1 }],
            trackingNumbers: [],
            record: ex.afterSaleBody.Data[0],
            deliveredAt: at,
            deliveries: {
              edges: [
                {
                  cursor,
                  node: {
                    id: "1",
                    operation: "updateAfterSaleOrder",
                    state: "DELIVERED",
                    acceptedAt: at,
                    finishedAt: at,
                  },
                },
              ],
              pageInfo: { hasNextPage: false, endCursor: cursor },
            },
          },
          apps: [SHOP.appKey, OTHER.appKey],
          invalid: {
            code: "BAD_USER_INPUT",
            violations: [
              {
                path: "input.orders[0].resourceId",
                message: "must not start or end with white space",
              },
            ],
          },
          anonymous: { status: 401, code: ["UNAUTHENTICATED"] },
          ledger: {
            attempts: [[1, "DELIVERED"]],
            sentTo: ENDPOINTS.updateSubInfo.path,
            listed: [["1", "DELIVERED"]],
            cancel: { code: "DELIVERY_STATE_CONFLICT", deliveryId: "1", state: "DELIVERED" },
          },
        });
        // Baidu got a token request and the write, once, as the gateway's own tests send it; the
        // refused write never reached it.
        expect(h.emulator.requests.map(({ path, body }) => ({ path, body }))).toEqual([
          { path: TOKEN_PATH, body: undefined },
          { path: ENDPOINTS.updateSubInfo.path, body: ex.afterSaleBody },
        ]);
      } finally {
        await h.close();
      }
    });
  });
});

/** Symbolic links to the repository's own copies of these packages. */
function linkModules(modules: string, names: readonly string[]): void {
  for (const name of names) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", name), join(modules, name), "dir");
  }
}

/** Compiles every file of `<dir>/src` strictly; the diagnostics, formatted. */
function compile(dir: string, options: ts.CompilerOptions): string[] {
  const src = join(dir, "src");
  const files = readdirSync(src).map((file) => join(src, file));
  const program = ts.createProgram(files, {
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitReturns: true,
    exactOptionalPropertyTypes: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    types: ["node"],
    rootDir: src,
    noEmitOnError: true,
    ...options,
  });
  const found = ts.getPreEmitDiagnostics(program);
  return [...(found.length > 0 ? found : program.emit().diagnostics)].map((diagnostic) =>
    ts.formatDiagnostic(diagnostic, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => dir,
      getNewLine: () => "\n",
    }),
  );
}

/** Runs a script with this Node; its standard output once it exits 0. */
function runNode(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${script} exited ${code}:\n${stderr}`)),
    );
  });
}
