// Lint rules that keep the architecture the README describes (npm run check runs them).
import tseslint from "typescript-eslint";

/** Packages that one file alone may import: the seams a major version's changes stay behind. */
const SEAMS = [
  { name: "ky", message: "Only src/baidu/transport.ts talks HTTP to Baidu." },
  { name: "undici", message: "Only src/baidu/undici-fetch.ts holds the connection pool to Baidu." },
];

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: SEAMS,
        patterns: [{ group: forbidden, message: why }],
      },
    ],
  },
});

/**
 * Refuses every relative import out of the folder but those into the listed `src/` folders. Two
 * files of one folder share its re-inclusion (kept once, where it first comes).
 */
const only = (paths, root = []) => [
  ...new Set([
    "../*",
    "!../..",
    "../../*",
    ...paths.flatMap((path) => allow("../", path)),
    ...root.flatMap((path) => allow("../../", path)),
  ]),
];

/**
 * Re-includes one path (`graphql/errors`) under `prefix` in a group that excludes everything above
 * it: gitignore-style patterns re-include a file only once its parent folders are back in.
 */
function allow(prefix, entry) {
  return entry.split("/").flatMap((part, i, parts) => {
    const path = prefix + parts.slice(0, i + 1).join("/");
    return i < parts.length - 1 ? [`!${path}`, `${path}/*`] : [`!${path}`];
  });
}

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "test/generated/**",
      "client/generated/**",
      "client/dist/**",
      "data/**",
    ],
  },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      // Decorator metadata needs classes imported as values (type-graphql reads them at run time).
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Named exports only." },
        { selector: "TSExportAssignment", message: "Named exports only." },
      ],
      // Comments and code wrap at 100 (Prettier's printWidth); a long message or SQL string may run
      // past rather than be split where a search for it would miss.
      "max-len": [
        "error",
        {
          code: 100,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
        },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-restricted-imports": ["error", { paths: SEAMS }],
    },
  },
  // Each layer lists what it may import (besides its own folder and packages); the rest is refused.
  layer(["src/lib/**/*.ts"], only([]), "src/lib holds what everything may use; it uses nothing."),
  layer(["src/ops/**/*.ts"], only(["lib"]), "src/ops (logs, metrics) sits below everything else."),
  layer(
    ["src/baidu/**/*.ts"],
    only(["lib", "ops"]),
    "src/baidu is the call path to Baidu: it knows nothing of GraphQL, the ledger or the gateway.",
  ),
  layer(
    ["src/store/**/*.ts"],
    only(["lib", "ops", "baidu"]),
    "src/store is the ledger's SQL: below delivery and GraphQL.",
  ),
  layer(
    ["src/delivery/**/*.ts"],
    only(["lib", "ops", "baidu", "store"]),
    "src/delivery sends what the ledger holds; GraphQL sits above it.",
  ),
  layer(
    ["src/emulator/**/*.ts"],
    only(["lib", "baidu/endpoints", "baidu/wire", "baidu/record"]),
    "The emulator plays Baidu: it shares the endpoint table, the wire types and the overwrite rules, nothing else of the gateway.",
  ),
  layer(
    ["src/auth/**/*.ts"],
    only(["lib", "ops", "config/types"]),
    "src/auth says who calls, refusing with its own AuthenticationError; src/graphql/errors turns that into UNAUTHENTICATED.",
  ),
  layer(
    ["src/http/**/*.ts"],
    only(["lib", "ops", "config", "graphql"]),
    "src/http carries requests to Apollo; it knows no resolvers, ledger or Baidu.",
  ),
  layer(
    ["src/config/**/*.ts"],
    only(
      ["lib", "ops", "baidu", "store", "delivery", "graphql/limits", "auth"],
      ["schema/validators"],
    ),
    "src/config reads settings into the types of the parts it configures, and starts nothing.",
  ),
  layer(
    ["src/graphql/**/*.ts"],
    ["../http/*", "../cli/*", "../emulator/*", "../server", "../main", "../services"],
    "src/graphql is served by src/http and assembled by src/server, not the other way.",
  ),
  layer(
    ["schema/**/*.ts"],
    [
      "../resolvers/*",
      "../src/*",
      ...allow("../src/", "lib"),
      ...allow("../src/", "baidu"),
      ...allow("../src/", "store/records"),
    ],
    "schema/ declares GraphQL types; resolvers and the server build on it, not the other way.",
  ),
  layer(
    ["resolvers/**/*.ts"],
    [
      "../src/http/*",
      "../src/dev/*",
      "../src/cli/*",
      "../src/emulator/*",
      "../src/server",
      "../src/main",
    ],
    "resolvers/ answer GraphQL fields; the HTTP layer and the commands sit above them.",
  ),
  // The one HTTP client to Baidu and its pool, and the benchmark (its hand-written ky loop, its
  // undici clients), may use ky and undici.
  {
    files: ["src/baidu/transport.ts", "src/baidu/undici-fetch.ts", "bench/**/*.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  // Tests build hostile and partial inputs on purpose.
  { files: ["test/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  // Jest's global setup and an ambient module declaration must export a default.
  {
    files: ["test/support/global-setup.ts", "bench/autocannon.d.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
