// PGlite through Node's own module loader rather than Jest's sandbox (see jest.config.js).
module.exports = globalThis.__nativeRequire("@electric-sql/pglite");
