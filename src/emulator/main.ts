import { ENDPOINT_NAMES, ENDPOINTS, TOKEN_PATH } from "../baidu/endpoints";
import { readEmulatorConfig } from "./config";
import { CONTROL_ROUTES } from "./control-routes";
import { DEV_APP, DEV_OPEN_ID, SEED_ORDER } from "./dev-app";
import { startEmulator } from "./server";

/** `npm run emulator`: the emulator on its own, for a gateway or a script in another process. */
async function main(): Promise<void> {
  const config = readEmulatorConfig(process.env);
  const emulator = await startEmulator(config);
  // The example order npm start seeds, for the app this emulator knows, so that the examples apply.
  const appKey = config.apps[0]!.appKey;
  emulator.store.addMainInfo(
    { ...structuredClone(SEED_ORDER), BizAPPID: appKey },
    { openId: DEV_OPEN_ID },
  );
  const width = Math.max(...ENDPOINT_NAMES.map((name) => name.length));
  const lines = [
    `Baidu order-center emulator listening on ${emulator.url}`,
    `app key ${appKey} (pm_app_key is not checked; the dev app uses ${DEV_APP.pmAppKey})`,
    `seeded like npm start: Baidu's example order ${SEED_ORDER.ResourceID} (user ${DEV_OPEN_ID}) with its after-sale order "onlyOne"; see ${emulator.url}/__emulator/orders`,
    `addMainLogistics takes EXT.MainOrder.Express as ${config.expressShape === undefined ? "one object or an array" : config.expressShape === "object" ? "one object only" : "an array only"} (EMULATOR_EXPRESS_SHAPE)`,
    `${"token".padEnd(width)}  GET|POST ${TOKEN_PATH}`,
    ...ENDPOINT_NAMES.map((name) => `${name.padEnd(width)}  POST     ${ENDPOINTS[name].path}`),
    ...CONTROL_ROUTES.map((route) => `${"control".padEnd(width)}  ${route}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`emulator: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
