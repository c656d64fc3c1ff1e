/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "<rootDir>/test/support/environment.js",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // One migrated PGlite data directory for the whole run, copied by the tests that need a store.
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  setupFilesAfterEnv: ["<rootDir>/test/support/after-each-file.ts"],
  // Types are checked by `tsc --noEmit` in `npm test`; Jest only transpiles. ky and jose ship ESM
  // only, so their files are transpiled to CommonJS as well.
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: { ignoreCodes: [151002] } }],
    "^.+/node_modules/(ky|jose)/.+\\.js$": [
      "ts-jest",
      { tsconfig: { allowJs: true, module: "commonjs", isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!(ky|jose)/)"],
  // PGlite loads Node modules with `import()`, which Jest's sandbox refuses (without
  // --experimental-vm-modules, which ky's transpiled ESM does not survive): it is loaded natively.
  moduleNameMapper: { "^@electric-sql/pglite$": "<rootDir>/test/support/pglite-native.js" },
};
