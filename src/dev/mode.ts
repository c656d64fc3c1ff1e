import { DEV_API_KEY, sha256Hex } from "../auth/api-keys";
import type { WireOrderItem } from "../baidu/wire";
import type { GatewayConfig } from "../config/types";
import { DEV_APP } from "../emulator/dev-app";
import { startEmulator, type Emulator } from "../emulator/server";

/** The user of the seeded example order. */
export const DEV_OPEN_ID = "dev-open-id";

/**
 * Baidu's own example order (resource 2221554346520, after-sale order "onlyOne"), seeded into the
 * development emulator so that the README's updateAfterSaleOrder example applies on a fresh start.
 */
export const SEED_ORDER: WireOrderItem = {
  CateID: 2,
  BizAPPID: DEV_APP.appKey,
  ResourceID: "2221554346520",
  Title: "test",
  Ctime: 1571026201,
  Mtime: 1571026201,
  Status: 200,
  EXT: {
    MainOrder: {
      Products: [{ ID: "1014093064", Name: "苹果", Quantity: 1, Price: 2390, PayPrice: 2390 }],
      Payment: { Method: 1, Amount: 2390, IsPayment: true, Time: 1571026201 },
    },
    SubsOrder: {
      Status: 400,
      Items: [
        {
          SubOrderID: "onlyOne",
          SubStatus: 400,
          CTime: 1571026201,
          MTime: 1571026201,
          OrderType: 1,
        },
      ],
    },
  },
};

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
