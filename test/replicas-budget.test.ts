import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../src/emulator/server";
import { eventually } from "./support/eventually";
import { OTHER, SHOP } from "./support/harness";
import { allDeliveries, SENDERS } from "./support/order-writes";
import { spawnGateway, type SpawnedGateway } from "./support/spawned";
import { freshStoreConfig } from "./support/store";

const REPLICAS = 3;
const WRITES = 160;
/** The budget: calls per second for the app, across the three. */
const N = 20;
const RECOVER_MS = 3000;
/**
 * The stated tolerance: calls may run ahead of their schedule by a tenth of the budget, so a second
 * may hold a tenth more; and 2 for requests that arrive later than they were admitted.
 */
const TOLERANCE = Math.ceil(N / 10) + 2;
/**
 * The budget spaces calls when they are admitted (by the database's clock); the emulator stamps
 * them when they arrive. Under the full suite on two cores a request was seen to take up to ~150 ms
 * more than its neighbours between the two, so a second of arrivals may hold the calls admitted in
 * 1.25 s: a quarter of N more, on top of the early calls GCRA allows.
 */
const ARRIVAL_CEILING = N + Math.ceil(N / 10) + Math.ceil(N / 4);

/**
 * The most requests that arrived in any second: every span of 1,000 ms starting at an arrival, over
 * `times` (sorted).
 */
function busiestSecond(times: number[], from = -Infinity, to = Infinity): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    if (times[i]! < from || times[i]! + 1000 > to) continue;
    let j = i;
    while (j < times.length && times[j]! < times[i]! + 1000) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/**
 * Three replicas sharing one QPS budget toward Baidu in PostgreSQL, slowing down together after
 * error_code 18.
 */
(process.env.TEST_DATABASE_URL ? describe : describe.skip)(
  "one QPS budget for three replicas",
  () => {
    jest.setTimeout(120_000);
    let emulator: Emulator;
    let store: Awaited<ReturnType<typeof freshStoreConfig>>;
    let configDir: string;
    const gateways: SpawnedGateway[] = [];

    beforeAll(async () => {
      emulator = await startEmulator({ apps: [SHOP, OTHER], requestLogLimit: 100_000 });
      store = await freshStoreConfig("postgres");
      configDir = mkdtempSync(join(tmpdir(), "gateway-budget-"));
      const config = join(configDir, "gateway.json");
      writeFileSync(
        config,
        JSON.stringify({ baidu: { budget: { callsPerSecond: N, recoverMs: RECOVER_MS } } }),
      );
      for (let i = 0; i < REPLICAS; i++)
        gateways.push(
          await spawnGateway(emulator.url, store, {
            GATEWAY_CONFIG: config,
            DELIVERY_POLL_MS: "100",
          }),
        );
    });

    afterAll(async () => {
      for (const gateway of gateways) await gateway.stop();
      await emulator.close();
      await store.drop();
      rmSync(configDir, { recursive: true, force: true });
    });

    it("keeps Baidu under N calls in every second, halves that for everyone after error_code 18, then recovers", async () => {
      const answers = await Promise.all(
        Array.from({ length: WRITES }, (_, i) =>
          SENDERS.updateSubInfo(gateways[i % REPLICAS]!, `budget-${i}`, `budget-${i}`),
        ),
      );
      expect(answers.filter((answer) => answer.errors)).toEqual([]);
      // Two seconds into the drain, Baidu refuses one call for QPS (the next one to arrive).
      const refused = await eventually(() => {
        const sent = emulator.requestsTo("updateSubInfo").length;
        if (sent < 2 * N) return false;
        emulator.faults.add({ route: "updateSubInfo", kind: "errorCode", code: 18 });
        return { index: sent };
      }, 30_000);
      // The arrival times are taken by this process: it only counts while the drain runs, so that
      // it does not keep the emulator from reading requests as they come.
      await eventually(() => emulator.requestsTo("updateSubInfo").length === WRITES + 1, 60_000);
      const nodes = await eventually(async () => {
        const all = await allDeliveries(gateways[0]!);
        return all.length === WRITES && all.every((node) => node.state === "DELIVERED") && all;
      }, 10_000);
      expect(nodes).toHaveLength(WRITES);
      expect(emulator.faults.pending()).toEqual([]);

      const times = emulator.requestsTo("updateSubInfo").map((request) => request.receivedAt);
      expect(times).toHaveLength(WRITES + 1);
      // Never more than the budget in any second.
      expect(busiestSecond(times)).toBeLessThanOrEqual(ARRIVAL_CEILING);
      // Before the refusal, the budget was in use.
      const refusedAt = times[refused.index]!;
      expect(busiestSecond(times, -Infinity, refusedAt)).toBeGreaterThan(N / 2 + TOLERANCE);
      // For the next RECOVER_MS, all three together made at most half as many calls a second ...
      expect(
        busiestSecond(times, refusedAt + 300, refusedAt + RECOVER_MS - 300),
      ).toBeLessThanOrEqual(N / 2 + TOLERANCE);
      // ... and afterwards they went back to the whole budget.
      expect(busiestSecond(times, refusedAt + RECOVER_MS + 300)).toBeGreaterThan(N / 2 + TOLERANCE);
      const levels = await Promise.all(
        gateways.map((gateway) => gateway.metric("baidu_gateway_baidu_throttle_level")),
      );
      expect(levels).toEqual([0, 0, 0]);
    });
  },
);
