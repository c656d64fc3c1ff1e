import { ENDPOINTS } from "../src/baidu/endpoints";
import { startEmulator, type Emulator } from "../src/emulator/server";
import { eventually } from "./support/eventually";
import { OTHER, SHOP } from "./support/harness";
import * as ex from "./support/examples";
import { allDeliveries, SENDERS, SEQUENCE, type Node } from "./support/order-writes";
import { UpdateAfterSaleOrderTrackedDocument } from "./generated/graphql";
import { spawnGateway, type SpawnedGateway } from "./support/spawned";
import { freshStoreConfig } from "./support/store";

const REPLICAS = 3;
const ORDERS = 12;

const ended = (nodes: Node[]) =>
  nodes.every((node) => node.state !== "PENDING" && node.state !== "SENDING");

/**
 * Three gateway processes on one PostgreSQL: one token between them, each order's writes in
 * acceptance order.
 */
(process.env.TEST_DATABASE_URL ? describe : describe.skip)(
  "three gateway processes sharing one PostgreSQL",
  () => {
    jest.setTimeout(120_000);
    let emulator: Emulator;
    let store: Awaited<ReturnType<typeof freshStoreConfig>>;
    const gateways: SpawnedGateway[] = [];
    const replica = (i: number) => gateways[i % REPLICAS]!;

    beforeAll(async () => {
      emulator = await startEmulator({ apps: [SHOP, OTHER], requestLogLimit: 100_000 });
      store = await freshStoreConfig("postgres");
      for (let i = 0; i < REPLICAS; i++)
        gateways.push(await spawnGateway(emulator.url, store, { DELIVERY_POLL_MS: "50" }));
    });

    afterAll(async () => {
      for (const gateway of gateways) await gateway.stop();
      await emulator.close();
      await store.drop();
    });

    it("asks Baidu for one token for 1,000 concurrent writes spread over the three on a cold start, and counts each attempt once", async () => {
      const answers = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          SENDERS.updateSubInfo(replica(i), `cold-${i}`, `cold-${i}`),
        ),
      );
      expect(answers.filter((answer) => answer.errors)).toEqual([]);
      await eventually(async () => ended(await allDeliveries(gateways[0]!)), 60_000);
      expect(emulator.requestsTo("token")).toHaveLength(1);
      const sent = emulator.requestsTo("updateSubInfo").length;
      expect(sent).toBe(1000);
      // Per-replica counters add up to what Baidu saw;
      // each attempt was counted by one replica only.
      const counted = await Promise.all(
        gateways.map((gateway) =>
          gateway.metric("baidu_gateway_baidu_attempts_total", { endpoint: "updateSubInfo" }),
        ),
      );
      expect(counted.reduce((a, b) => a + b, 0)).toBe(sent);
      expect(counted.every((n) => n > 0)).toBe(true);
      const tokenRequests = await Promise.all(
        gateways.map((gateway) => gateway.metric("baidu_gateway_baidu_token_requests_total")),
      );
      expect(tokenRequests.reduce((a, b) => a + b, 0)).toBe(1);
      // Shared figures are the same on every replica.
      const open = await Promise.all(
        gateways.map((gateway) => gateway.metric("baidu_gateway_ledger_deliveries")),
      );
      expect(open).toEqual([0, 0, 0]);
    });

    it("replaces a token Baidu rejects (error_code 111) once for all three", async () => {
      const before = emulator.requestsTo("token").length;
      emulator.expireAllTokens();
      const answers = await Promise.all(
        Array.from({ length: 90 }, (_, i) =>
          SENDERS.updateSubInfo(replica(i), `expired-${i}`, `expired-${i}`),
        ),
      );
      expect(answers.filter((answer) => answer.errors)).toEqual([]);
      const nodes = await eventually(async () => {
        const all = (await allDeliveries(gateways[0]!)).filter((node) =>
          node.resourceIds[0]!.startsWith("expired-"),
        );
        return ended(all) && all;
      }, 60_000);
      expect(nodes.every((node) => node.state === "DELIVERED")).toBe(true);
      // Several replicas met the rejection (any replica may send any write, so not always all
      // three), and one of them fetched the new token for all.
      const rejected = gateways.filter((gateway) =>
        gateway.output().includes("Baidu rejected the access token"),
      );
      expect(rejected.length).toBeGreaterThanOrEqual(2);
      expect(emulator.requestsTo("token").length - before).toBe(1);
    });

    it("delivers the writes of one order in acceptance order when they go to the three in turn", async () => {
      // Latency keeps attempts in flight, so every process's worker holds work at once.
      emulator.faults.add({ route: "*", kind: "latency", ms: 10, times: 10_000 });
      const resourceIds = Array.from({ length: ORDERS }, (_, i) => `replica-${1000 + i}`);
      await Promise.all(
        resourceIds.map(async (resourceId, n) => {
          for (let i = 0; i < SEQUENCE.length; i++) {
            const answer = await SENDERS[SEQUENCE[i]!](
              replica(i + n),
              resourceId,
              `${resourceId}-${i}`,
            );
            expect(answer.errors).toBeUndefined();
          }
        }),
      );
      const nodes = await eventually(async () => {
        const all = (await allDeliveries(gateways[0]!)).filter((node) =>
          node.resourceIds[0]!.startsWith("replica-"),
        );
        return ended(all) && all;
      }, 60_000);
      emulator.faults.clear();
      expect(nodes).toHaveLength(ORDERS * SEQUENCE.length);
      expect(
        nodes.every(
          (node) => node.state === "DELIVERED" && node.results?.every((result) => result.applied),
        ),
      ).toBe(true);
      for (const resourceId of resourceIds) {
        // A repeat right after itself is a replay after a token rejection: a replica that had not
        // met the previous test's rejection yet sends once with the old token.
        const arrived = emulator.requests
          .filter((request) =>
            JSON.stringify(request.body ?? "").includes(`"ResourceID":"${resourceId}"`),
          )
          .map((r) => r.path)
          .filter((path, i, all) => path !== all[i - 1]);
        expect({ resourceId, arrived }).toEqual({
          resourceId,
          arrived: SEQUENCE.map((name) => ENDPOINTS[name].path),
        });
      }
    });

    it("answers a waiting mutation on one replica when another delivers its write, behind the order's earlier write", async () => {
      // Each order's first write is queued on one replica and held in flight by the latency; its
      // second waits on the next replica, which cannot send it first: whoever sends it tells the
      // waiting one.
      emulator.faults.add({ route: "updateSubInfo", kind: "latency", ms: 150, times: 2 * ORDERS });
      const noticesBefore = await Promise.all(
        gateways.map((gateway) => gateway.metric("baidu_gateway_waiter_notices_total")),
      );
      const answers = await Promise.all(
        Array.from({ length: ORDERS }, async (_, n) => {
          const resourceId = `waiting-${n}`;
          const queued = await SENDERS.updateSubInfo(
            replica(n),
            resourceId,
            `${resourceId}-queued`,
          );
          expect(queued.errors).toBeUndefined();
          // The second is told apart at Baidu by its after-sale order's later update time.
          const afterSale = {
            ...ex.updateAfterSaleOrderInput.afterSale,
            items: ex.updateAfterSaleOrderInput.afterSale.items.map((item) => ({
              ...item,
              updatedAt: 1571026999,
            })),
          };
          const input = {
            ...ex.updateAfterSaleOrderInput,
            afterSale,
            resourceId,
            idempotencyKey: `${resourceId}-waiting`,
          };
          return replica(n + 1).send(UpdateAfterSaleOrderTrackedDocument, { input });
        }),
      );
      expect(
        answers.map((answer) => [answer.errors, answer.data?.updateAfterSaleOrder.delivery?.state]),
      ).toEqual(answers.map(() => [undefined, "DELIVERED"]));
      const noticesAfter = await Promise.all(
        gateways.map((gateway) => gateway.metric("baidu_gateway_waiter_notices_total")),
      );
      expect(noticesAfter.reduce((a, b) => a + b, 0)).toBeGreaterThan(
        noticesBefore.reduce((a, b) => a + b, 0),
      );
      // Baidu saw each order's queued write before its waiting one (or only the waiting one, which
      // carried both).
      for (let n = 0; n < ORDERS; n++) {
        const arrived = emulator
          .requestsTo("updateSubInfo")
          .filter((request) => JSON.stringify(request.body).includes(`"ResourceID":"waiting-${n}"`))
          .map((request) =>
            JSON.stringify(request.body).includes("1571026999") ? "waiting" : "queued",
          );
        expect({ n, arrived: arrived.join(",") }).toEqual({
          n,
          arrived: expect.stringMatching(/^(queued,waiting|waiting)$/),
        });
      }
    });
  },
);
