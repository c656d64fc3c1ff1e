import type { WireOrderItem } from "../baidu/wire";

/**
 * The app the standalone emulator and `npm start` know by default. The appKey is the one in
 * Baidu's doc examples; the secret and pm_app_key are made up and work only against the emulator.
 */
export const DEV_APP = {
  appKey: "a392qXwK8L5GDUWhFoC01cKwoy7tmehg",
  appSecret: "emulator-app-secret-not-for-baidu",
  pmAppKey: "emulator-pm-app-key",
} as const;

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
