import { ENDPOINTS } from "../src/baidu/endpoints";
import { startEmulator, type Emulator } from "../src/emulator/server";
import { eventually } from "./support/eventually";
import { OTHER, SHOP } from "./support/harness";
import { allDeliveries, SENDERS, SEQUENCE } from "./support/order-writes";
import { spawnGateway, type SpawnedGateway } from "./support/spawned";
import { freshStoreConfig } from "./support/store";

const ORDERS = 12;

/** Two gateway processes on one PostgreSQL: the ledger's queue keeps each order's writes in acceptance order. */
(process.env.TEST_DATABASE_URL ? describe : describe.skip)("two gateway processes sharing one PostgreSQL", () => {
  jest.setTimeout(120_000);
  let emulator: Emulator;
  let store: Awaited<ReturnType<typeof freshStoreConfig>>;
  const gateways: SpawnedGateway[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ apps: [SHOP, OTHER], requestLogLimit: 100_000 });
    store = await freshStoreConfig("postgres");
    for (let i = 0; i < 2; i++) gateways.push(await spawnGateway(emulator.url, store, { DELIVERY_POLL_MS: "50" }));
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await emulator.close();
    await store.drop();
  });

  it("delivers the writes of one order in acceptance order when they alternate between the two", async () => {
    // Latency keeps attempts in flight, so both processes' workers hold work at once.
    emulator.faults.add({ route: "*", kind: "latency", ms: 10, times: 10_000 });
    const resourceIds = Array.from({ length: ORDERS }, (_, i) => `replica-${1000 + i}`);
    await Promise.all(
      resourceIds.map(async (resourceId, n) => {
        for (let i = 0; i < SEQUENCE.length; i++) {
          const answer = await SENDERS[SEQUENCE[i]!](gateways[(i + n) % 2]!, resourceId, `${resourceId}-${i}`);
          expect(answer.errors).toBeUndefined();
        }
      }),
    );
    const nodes = await eventually(async () => {
      const all = await allDeliveries(gateways[0]!);
      return all.every((node) => node.state === "DELIVERED") && all;
    }, 60_000);
    emulator.faults.clear();
    expect(nodes).toHaveLength(ORDERS * SEQUENCE.length);
    expect(nodes.every((node) => node.results?.every((result) => result.applied))).toBe(true);
    for (const resourceId of resourceIds) {
      const arrived = emulator.requests.filter((request) => JSON.stringify(request.body ?? "").includes(`"ResourceID":"${resourceId}"`)).map((r) => r.path);
      expect({ resourceId, arrived }).toEqual({ resourceId, arrived: SEQUENCE.map((name) => ENDPOINTS[name].path) });
    }
  });
});
