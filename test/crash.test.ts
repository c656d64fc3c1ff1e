import { ENDPOINTS, type EndpointName } from "../src/baidu/endpoints";
import { startEmulator, type Emulator } from "../src/emulator/server";
import {
  AppendAfterSaleOrdersTrackedDocument,
  DeliveriesDocument,
  ImportOrderTrackedDocument,
  UpdateAfterSaleOrderStatusTrackedDocument,
  UpdateAfterSaleOrderTrackedDocument,
  UpdateOrderInfoTrackedDocument,
  UpdateOrderLogisticsTrackedDocument,
  UpdateOrderStatusTrackedDocument,
  type DeliveriesQuery,
} from "./generated/graphql";
import { eventually } from "./support/eventually";
import * as ex from "./support/examples";
import { OTHER, SHOP } from "./support/harness";
import { spawnGateway, type SpawnedGateway } from "./support/spawned";
import { freshStoreConfig, STORE_KINDS } from "./support/store";

const ORDERS = 40;
/** Each order's writes, in the order they are sent: each depends on the ones before it at Baidu. */
const SEQUENCE: EndpointName[] = ["addMainInfo", "appendSubInfo", "updateSubInfo", "updateSubStatus", "updateMainInfo", "addMainLogistics", "updateMainStatus"];

type Send = (gateway: SpawnedGateway, resourceId: string, key: string) => Promise<{ errors?: readonly unknown[] }>;

const queue = { deliveryMode: "QUEUE" as const };
const SENDERS: Record<EndpointName, Send> = {
  addMainInfo: (g, resourceId, key) =>
    g.send(ImportOrderTrackedDocument, { input: { ...ex.importOrderInput, ...queue, idempotencyKey: key, order: { ...ex.importOrderInput.order, resourceId } } }),
  appendSubInfo: (g, resourceId, key) => g.send(AppendAfterSaleOrdersTrackedDocument, { input: { ...ex.appendAfterSaleOrdersInput, ...queue, idempotencyKey: key, resourceId } }),
  updateSubInfo: (g, resourceId, key) => g.send(UpdateAfterSaleOrderTrackedDocument, { input: { ...ex.updateAfterSaleOrderInput, ...queue, idempotencyKey: key, resourceId } }),
  updateSubStatus: (g, resourceId, key) =>
    g.send(UpdateAfterSaleOrderStatusTrackedDocument, { input: { ...ex.updateAfterSaleOrderStatusInput, ...queue, idempotencyKey: key, resourceId } }),
  updateMainInfo: (g, resourceId, key) =>
    g.send(UpdateOrderInfoTrackedDocument, { input: { ...ex.updateOrderInfoInput, ...queue, idempotencyKey: key, order: { ...ex.updateOrderInfoInput.order, resourceId } } }),
  addMainLogistics: (g, resourceId, key) => g.send(UpdateOrderLogisticsTrackedDocument, { input: { ...ex.updateOrderLogisticsInput, ...queue, idempotencyKey: key, resourceId } }),
  updateMainStatus: (g, resourceId, key) =>
    g.send(UpdateOrderStatusTrackedDocument, {
      input: { ...ex.updateOrderStatusInput, ...queue, idempotencyKey: key, orders: [{ resourceId, category: "PHYSICAL_GOODS", status: "COMPLETED" }] },
    }),
};

type Node = DeliveriesQuery["deliveries"]["edges"][number]["node"];

async function allDeliveries(gateway: SpawnedGateway): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null | undefined;
  do {
    const { data } = await gateway.send(DeliveriesDocument, { first: 100, after });
    nodes.push(...data!.deliveries.edges.map((edge) => edge.node));
    after = data!.deliveries.pageInfo.hasNextPage ? data!.deliveries.pageInfo.endCursor : undefined;
  } while (after);
  return nodes.reverse();
}

describe.each(STORE_KINDS)("a gateway killed mid-burst, on %s", (kind) => {
  jest.setTimeout(120_000);
  let emulator: Emulator;
  let store: Awaited<ReturnType<typeof freshStoreConfig>>;
  const gateways: SpawnedGateway[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ apps: [SHOP, OTHER], requestLogLimit: 100_000 });
    store = await freshStoreConfig(kind);
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.kill();
    await emulator.close();
    await store.drop();
  });

  it("delivers every acknowledged write after a restart, in order, appends exactly once", async () => {
    // A short lease, so that on PostgreSQL the restarted process takes over the killed one's attempts soon.
    const env = { BAIDU_TIMEOUT_MS: "1000", DELIVERY_LEASE_MS: "2100", DELIVERY_POLL_MS: "100" };
    const start = async () => {
      const gateway = await spawnGateway(emulator.url, store, env);
      gateways.push(gateway);
      return gateway;
    };
    // Keep attempts in flight while the burst runs, so the kill lands among them.
    emulator.faults.add({ route: "*", kind: "latency", ms: 15, times: 100_000 });
    const first = await start();
    const resourceIds = Array.from({ length: ORDERS }, (_, i) => `crash-${1000 + i}`);
    const next = new Map(resourceIds.map((id) => [id, 0]));
    let acknowledged = 0;
    let killed: Promise<void> | undefined;
    // Each order's writes go one after another; the orders run side by side.
    const run = (gateway: SpawnedGateway) =>
      Promise.all(
        resourceIds.map(async (resourceId) => {
          for (let i = next.get(resourceId)!; i < SEQUENCE.length; i++) {
            const answer = await SENDERS[SEQUENCE[i]!](gateway, resourceId, `${resourceId}-${i}`).catch(() => undefined);
            if (!answer) return;
            expect(answer.errors).toBeUndefined();
            next.set(resourceId, i + 1);
            if (++acknowledged === 120) killed = gateway.kill();
          }
        }),
      );
    await run(first);
    await killed;
    // Some acknowledged writes had not reached Baidu when the process died.
    expect(emulator.requests.filter((request) => !request.path.startsWith("/oauth")).length).toBeLessThan(120);
    const unfinished = [...next.values()].filter((i) => i < SEQUENCE.length).length;
    expect(unfinished).toBeGreaterThan(0);

    const second = await start();
    await run(second);
    expect([...next.values()]).toEqual(resourceIds.map(() => SEQUENCE.length));
    const nodes = await eventually(async () => {
      const all = await allDeliveries(second);
      return all.every((node) => node.state !== "PENDING" && node.state !== "SENDING") && all;
    }, 60_000);
    emulator.faults.clear();

    // The ledger lists each write once (the re-sent ones found by their keys), in the order sent.
    expect(nodes).toHaveLength(ORDERS * SEQUENCE.length);
    const operations = (resourceId: string) => nodes.filter((node) => node.resourceIds[0] === resourceId).map((node) => node.request.path);
    for (const resourceId of resourceIds) expect(operations(resourceId)).toEqual(SEQUENCE.map((name) => ENDPOINTS[name].path));
    // Every write was delivered and applied; only an append caught in flight may be of unknown outcome.
    for (const node of nodes) {
      if (node.state === "OUTCOME_UNKNOWN") expect(node.request.path).toBe(ENDPOINTS.appendSubInfo.path);
      else expect({ id: node.id, state: node.state, applied: node.results?.every((r) => r.applied) }).toEqual({ id: node.id, state: "DELIVERED", applied: true });
    }
    // Baidu saw each order's writes in acceptance order (a replayed overwrite may repeat), and each append once.
    for (const resourceId of resourceIds) {
      const arrived = emulator.requests
        .filter((request) => JSON.stringify(request.body ?? "").includes(`"ResourceID":"${resourceId}"`))
        .map((request) => request.path)
        .filter((path, i, all) => path !== all[i - 1]);
      expect({ resourceId, arrived }).toEqual({ resourceId, arrived: SEQUENCE.map((name) => ENDPOINTS[name].path) });
      const stored = emulator.store.get(SHOP.appKey, resourceId)!.record;
      expect(stored.EXT?.SubsOrder?.Items.map((item) => [item.SubOrderID, item.SubStatus])).toEqual([["onlyOne", 402]]);
    }
  });
});
