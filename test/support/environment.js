// Jest's node environment, plus Node's own `require` for the modules that cannot run in Jest's
// sandbox (PGlite; see jest.config.js). This file itself runs outside the sandbox.
const { TestEnvironment } = require("jest-environment-node");

class GatewayTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__nativeRequire = require;
  }
}

module.exports = GatewayTestEnvironment;
