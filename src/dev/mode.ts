import { DEV_API_KEY, sha256Hex } from "../auth/api-keys";
import type { GatewayConfig } from "../config/types";
import { DEV_APP, DEV_OPEN_ID, SEED_ORDER } from "../emulator/dev-app";
import { startEmulator, type Emulator } from "../emulator/server";

/** With no Baidu app configured, runs an in-process emulator and points the gateway at it. */
export async function withEmulator(
  config: GatewayConfig,
  port = 0,
): Promise<{ config: GatewayConfig; emulator: Emulator }> {
  const emulator = await startEmulator({ apps: [DEV_APP], host: "127.0.0.1", port });
  emulator.store.addMainInfo(structuredClone(SEED_ORDER), { openId: DEV_OPEN_ID });
  const devKey = { name: "development", sha256: sha256Hex(DEV_API_KEY), apps: ["*"] };
  return {
    emulator,
    config: {
      ...config,
      baidu: { ...config.baidu, baseUrl: emulator.url },
      apps: [{ name: "emulator", ...DEV_APP }],
      apiKeys: [...config.apiKeys, devKey],
    },
  };
}
