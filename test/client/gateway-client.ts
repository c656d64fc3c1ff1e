// Where this client gets the package from. In the repository (for `tsc -p .`), the package's
// source; test/client-package.test.ts compiles the client with this file replaced by
// `export * from "@baidu-ordercenter-gateway/client";`, against the package as npm installs it.
export * from "../../client/src/index.js";
