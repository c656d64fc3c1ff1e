import { readEmulatorConfig } from "../../src/emulator/config";
import { DEV_APP } from "../../src/emulator/dev-app";

describe("readEmulatorConfig", () => {
  it("defaults to the dev app on 127.0.0.1:8790", () => {
    expect(readEmulatorConfig({})).toEqual({
      apps: [{ appKey: DEV_APP.appKey, appSecret: DEV_APP.appSecret }],
      host: "127.0.0.1",
      port: 8790,
    });
  });

  it("reads every EMULATOR_ variable", () => {
    const env = {
      EMULATOR_PORT: "9000",
      EMULATOR_HOST: "0.0.0.0",
      EMULATOR_TOKEN_LIFETIME: "3600",
      EMULATOR_APP_KEY: "k",
      EMULATOR_APP_SECRET: "s",
      EMULATOR_EXPRESS_SHAPE: "array",
    };
    expect(readEmulatorConfig(env)).toEqual({
      apps: [{ appKey: "k", appSecret: "s" }],
      host: "0.0.0.0",
      port: 9000,
      tokenLifetimeSeconds: 3600,
      expressShape: "array",
    });
  });

  it("lists every bad variable in one error", () => {
    expect(() =>
      readEmulatorConfig({
        EMULATOR_PORT: "80a",
        EMULATOR_TOKEN_LIFETIME: "0",
        EMULATOR_EXPRESS_SHAPE: "list",
      }),
    ).toThrow(
      /EMULATOR_PORT must be an integer from 0 to 65535, got "80a"\n {2}EMULATOR_TOKEN_LIFETIME must be an integer from 1 to \d+, got "0"\n {2}EMULATOR_EXPRESS_SHAPE must be "object" or "array", got "list"$/,
    );
  });
});
