import { ENDPOINTS } from "../src/baidu/endpoints";
import { startEmulator, type Emulator } from "../src/emulator/server";
import { eventually } from "./support/eventually";
import { OTHER, SHOP } from "./support/harness";
import { allDeliveries, SENDERS, SEQUENCE, type Node } from "./support/order-writes";
import { spawnGateway, type SpawnedGateway } from "./support/spawned";
import { freshStoreConfig } from "./support/store";

const REPLICAS = 3;
const ORDERS = 45;
const LEASE_MS = 4100;
const POLL_MS = 100;

/**
 * One of three replicas killed (kill -9) mid-burst:
 * the other two finish its work once its leases run out.
 */
(process.env.TEST_DATABASE_URL ? describe : describe.skip)(
  "a replica killed mid-burst beside two others",
  () => {
    jest.setTimeout(120_000);
    let emulator: Emulator;
    let store: Awaited<ReturnType<typeof freshStoreConfig>>;
    const gateways: SpawnedGateway[] = [];

    beforeAll(async () => {
      emulator = await startEmulator({ apps: [SHOP, OTHER], requestLogLimit: 100_000 });
      store = await freshStoreConfig("postgres");
      const env = {
        BAIDU_TIMEOUT_MS: "1000",
        DELIVERY_LEASE_MS: String(LEASE_MS),
        DELIVERY_POLL_MS: String(POLL_MS),
      };
      for (let i = 0; i < REPLICAS; i++)
        gateways.push(await spawnGateway(emulator.url, store, env));
    });

    afterAll(async () => {
      for (const gateway of gateways.slice(1)) await gateway.stop();
      await emulator.close();
      await store.drop();
    });

    it("delivers every write the dead replica acknowledged, within the lease, none twice unless an attempt may have run, appends at most once", async () => {
      // Latency keeps attempts in flight on every replica, so the kill lands among them: long
      // enough that those seen in flight are still in flight a metrics request later (at 40 ms,
      // one CI run killed the replica with nothing left for the others to take over).
      emulator.faults.add({ route: "*", kind: "latency", ms: 150, times: 100_000 });
      const victim = gateways[0]!;
      let dead = false;
      let killedAt = 0;
      let acknowledged = 0;
      let killed: Promise<void> | undefined;
      // Killed while it holds attempts in flight (its own metrics say when), with the burst still
      // going.
      const killWhenBusy = async () => {
        await eventually(
          async () => (await victim.metric("baidu_gateway_deliveries_in_flight")) > 0,
        );
        dead = true;
        killedAt = Date.now();
        await victim.kill();
      };
      const acknowledgedBy = new Map<string, number>();
      const resourceIds = Array.from({ length: ORDERS }, (_, i) => `failover-${1000 + i}`);
      // Each order's writes go one after another, to the three in turn; the orders run side by
      // side. A write whose answer is lost with the replica is sent again, with its key, to the
      // next one, as a client would: the key finds it if the dead replica had committed it.
      await Promise.all(
        resourceIds.map(async (resourceId, n) => {
          for (let i = 0; i < SEQUENCE.length; i++) {
            const key = `${resourceId}-${i}`;
            for (let r = i + n; ; r++) {
              const gateway = gateways[r % REPLICAS]!;
              if (gateway === victim && dead) continue;
              const answer = await SENDERS[SEQUENCE[i]!](gateway, resourceId, key).catch(
                () => undefined,
              );
              if (!answer) continue;
              expect(answer.errors).toBeUndefined();
              acknowledgedBy.set(key, r % REPLICAS);
              if (++acknowledged === 100) killed = killWhenBusy();
              break;
            }
          }
        }),
      );
      await killed;
      const survivor = gateways[1]!;
      const nodes = await eventually(async () => {
        const all = await allDeliveries(survivor);
        return all.every((node) => node.state !== "PENDING" && node.state !== "SENDING") && all;
      }, 60_000);
      emulator.faults.clear();
      expect(dead).toBe(true);
      expect([...acknowledgedBy.values()].filter((r) => r === 0).length).toBeGreaterThan(0);

      // The ledger holds each write once (a re-sent one was found by its key).
      expect(nodes).toHaveLength(ORDERS * SEQUENCE.length);
      // The dead replica's work was taken over once its leases ran out: all of it ended within a
      // lease (and a poll, and the attempt) of the kill.
      const lastEnd = Math.max(...nodes.map((node) => Date.parse(node.finishedAt!)));
      expect(lastEnd - killedAt).toBeLessThan(LEASE_MS + POLL_MS + 2_000);

      const arrivals = (node: Node) =>
        emulator.requests.filter(
          (request) =>
            request.path === node.request.path &&
            JSON.stringify(request.body ?? "").includes(`"ResourceID":"${node.resourceIds[0]}"`),
        ).length;
      // An attempt cut short by the kill, or one that timed out on this busy machine: Baidu may
      // have run it.
      const unknown = (node: Node) =>
        node.attempts.some((attempt) => attempt.outcome === "OUTCOME_UNKNOWN");
      for (const node of nodes) {
        const mayHaveRun = unknown(node);
        if (node.request.path === ENDPOINTS.appendSubInfo.path) {
          // An append is never sent twice. Only one whose attempt may have run (it had begun to
          // leave when the replica died, or timed out) may end of unknown outcome, having reached
          // Baidu at most once.
          expect({ id: node.id, arrivals: Math.min(arrivals(node), 1) }).toEqual({
            id: node.id,
            arrivals: arrivals(node),
          });
          if (node.state === "DELIVERED")
            expect({ id: node.id, arrivals: arrivals(node) }).toEqual({ id: node.id, arrivals: 1 });
          else
            expect({ id: node.id, state: node.state, mayHaveRun }).toEqual({
              id: node.id,
              state: "OUTCOME_UNKNOWN",
              mayHaveRun: true,
            });
          continue;
        }
        // Every other write was delivered; it reached Baidu once, or again after an attempt that
        // may have arrived (cut short by the kill, or timed out) was sent again by whoever took it
        // over.
        expect({ id: node.id, state: node.state }).toEqual({ id: node.id, state: "DELIVERED" });
        const unknownAttempts = node.attempts.filter(
          (attempt) => attempt.outcome === "OUTCOME_UNKNOWN",
        ).length;
        expect({ id: node.id, arrivals: Math.min(arrivals(node), 1 + unknownAttempts) }).toEqual({
          id: node.id,
          arrivals: arrivals(node),
        });
        expect(arrivals(node)).toBeGreaterThanOrEqual(1);
      }
      // The kill interrupted work in flight, and the others took it over.
      const takeovers = gateways
        .slice(1)
        .map((gateway) => gateway.output().match(/Took over a delivery/g)?.length ?? 0);
      expect(takeovers.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    });
  },
);
