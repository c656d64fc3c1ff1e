// Lint rules that keep the architecture the README describes (npm run check runs them).
import tseslint from "typescript-eslint";

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: [{ name: "ky", message: "Only src/baidu/transport.ts talks HTTP to Baidu." }],
        patterns: [{ group: forbidden, message: why }],
      },
    ],
  },
});

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
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "ky", message: "Only src/baidu/transport.ts talks HTTP to Baidu." }] },
      ],
    },
  },
  layer(
    ["src/lib/**/*.ts"],
    ["../*", "!../lib/*"],
    "src/lib holds what everything may use; it uses nothing of the gateway's.",
  ),
  layer(
    ["src/ops/**/*.ts"],
    [
      "**/baidu/*",
      "**/store/*",
      "**/delivery/*",
      "**/graphql/*",
      "**/http/*",
      "**/schema/*",
      "**/resolvers/*",
    ],
    "src/ops (logs, metrics) sits below the gateway's parts, which report through it.",
  ),
  layer(
    ["src/baidu/**/*.ts"],
    [
      "**/schema/*",
      "**/resolvers/*",
      "**/store/*",
      "**/delivery/*",
      "**/graphql/*",
      "**/http/*",
      "**/config/*",
      "**/emulator/*",
    ],
    "src/baidu is the call path to Baidu: it knows nothing of GraphQL, the ledger or the gateway.",
  ),
  layer(
    ["src/store/**/*.ts"],
    [
      "**/schema/*",
      "**/resolvers/*",
      "**/delivery/*",
      "**/graphql/*",
      "**/http/*",
      "**/emulator/*",
    ],
    "src/store is the ledger's SQL: below delivery and GraphQL.",
  ),
  layer(
    ["src/delivery/**/*.ts"],
    ["**/schema/*", "**/resolvers/*", "**/graphql/*", "**/http/*", "**/emulator/*"],
    "src/delivery sends what the ledger holds; GraphQL sits above it.",
  ),
  layer(
    ["src/emulator/**/*.ts"],
    [
      "**/schema/*",
      "**/resolvers/*",
      "**/store/*",
      "**/delivery/*",
      "**/graphql/*",
      "**/http/*",
      "**/config/*",
      "**/auth/*",
    ],
    "The emulator plays Baidu: it shares Baidu's wire types and nothing of the gateway.",
  ),
  layer(
    ["schema/**/*.ts"],
    [
      "**/resolvers/*",
      "**/src/store/*",
      "!**/src/store/records",
      "**/src/delivery/*",
      "**/src/graphql/*",
      "**/src/http/*",
      "**/src/emulator/*",
    ],
    "schema/ declares GraphQL types; resolvers and the server build on it, not the other way.",
  ),
  layer(
    ["src/http/**/*.ts"],
    ["**/resolvers/*", "**/schema/*", "**/store/*", "**/delivery/*", "**/baidu/*"],
    "src/http carries requests to Apollo; it knows no resolvers or Baidu.",
  ),
  // The one HTTP client to Baidu, and the benchmark's hand-written ky loop, may use ky.
  { files: ["src/baidu/transport.ts", "bench/**/*.ts"], rules: { "no-restricted-imports": "off" } },
  // Tests build hostile and partial inputs on purpose.
  { files: ["test/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  // Jest's global setup and an ambient module declaration must export a default.
  {
    files: ["test/support/global-setup.ts", "bench/autocannon.d.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
