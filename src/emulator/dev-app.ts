/**
 * The app the standalone emulator and `npm start` know by default. The appKey is the one in
 * Baidu's doc examples; the secret and pm_app_key are made up and work only against the emulator.
 */
export const DEV_APP = {
  appKey: "a392qXwK8L5GDUWhFoC01cKwoy7tmehg",
  appSecret: "emulator-app-secret-not-for-baidu",
  pmAppKey: "emulator-pm-app-key",
} as const;
