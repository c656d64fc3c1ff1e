import type { Sql } from "../src/store/sql";
import {
  AppendAfterSaleOrdersTrackedDocument,
  UpdateOrderInfoTrackedDocument,
} from "./generated/graphql";
import * as ex from "./support/examples";
import { startHarness, TEST_DELIVERY, testClock } from "./support/harness";
import { STORE_KINDS } from "./support/store";

/** A point a statement stops at until the test lets it go on. */
function gate() {
  let reach = () => {};
  let release = () => {};
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return { reach, reached, release, released };
}

/**
 * A process may take back a lease of its own that looks run out while the attempt under it still
 * runs: its clock stepped forward (NTP, a VM resumed), or it stalled. The earlier claim must then
 * neither send nor record anything (review of the delivery core, 2026-12-02).
 */
describe.each(STORE_KINDS)("a process that takes back its own lease, on %s", (kind) => {
  it("sends an append once: the earlier claim, resumed, finds its lease gone", async () => {
    const time = testClock();
    const mark = gate();
    const finish = gate();
    let marks = 0;
    let finishes = 0;
    const h = await startHarness({
      store: kind,
      clock: time.clock,
      delivery: { pollMs: 20 },
      wrapSql: (sql): Sql => ({
        ...sql,
        query: async (text, params) => {
          const name = typeof text === "string" ? undefined : text.name;
          // The first claim stops just before it marks the append as leaving; the second claim's
          // attempt stops as it is recorded.
          const held =
            name === "ledger_mark_sending" && ++marks === 1
              ? mark
              : name === "ledger_finish" && ++finishes === 1
                ? finish
                : undefined;
          if (held) {
            held.reach();
            await held.released;
          }
          return sql.query(text, params);
        },
      }),
    });
    let answer;
    try {
      ex.seedExampleOrders(h.emulator, { afterSale: false });
      const sending = h.send(AppendAfterSaleOrdersTrackedDocument, {
        input: ex.appendAfterSaleOrdersInput,
      });
      await mark.reached;
      // Past the lease by this process's clock: its next poll takes the lease back and claims the
      // append again, and that attempt goes out.
      time.advance(TEST_DELIVERY.leaseMs + 1);
      await finish.reached;
      expect(h.emulator.requestsTo("appendSubInfo")).toHaveLength(1);
      mark.release();
      finish.release();
      answer = (await sending).body;
    } finally {
      // Stopping waits for the first claim's attempt to end.
      await h.close();
    }
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.appendAfterSaleOrders).toMatchObject({
      allApplied: true,
      delivery: { state: "DELIVERED", attemptCount: 1 },
    });
    expect(h.emulator.requestsTo("appendSubInfo")).toHaveLength(1);
    expect(
      h.logs.filter((line) => line.includes("Took over a delivery whose attempt stopped")),
    ).toHaveLength(1);
  });

  it.each(["updateOrderInfo", "appendAfterSaleOrders"] as const)(
    "extends a lease too short for the whole attempt, at the smallest leaseMs, and sends the %s once",
    async (operation) => {
      const time = testClock();
      let claims = 0;
      const h = await startHarness({
        store: kind,
        clock: time.clock,
        // 100 ms more than the attempt's four requests of 1 s each.
        baidu: { timeoutMs: 1000 },
        delivery: { leaseMs: 4100 },
        wrapSql: (sql): Sql => ({
          ...sql,
          query: async (text, params) => {
            const rows = await sql.query(text, params);
            // Each claim takes 150 ms by the gateway's clock: more than the lease's spare time.
            if (typeof text !== "string" && text.name === "ledger_claim" && rows.length > 0) {
              claims++;
              time.advance(150);
            }
            return rows as never;
          },
        }),
      });
      let answer;
      try {
        ex.seedExampleOrders(h.emulator, { afterSale: false });
        answer =
          operation === "updateOrderInfo"
            ? (await h.send(UpdateOrderInfoTrackedDocument, { input: ex.updateOrderInfoInput }))
                .body
            : (
                await h.send(AppendAfterSaleOrdersTrackedDocument, {
                  input: ex.appendAfterSaleOrdersInput,
                })
              ).body;
      } finally {
        await h.close();
      }
      expect(answer.errors).toBeUndefined();
      expect(claims).toBe(1);
      const endpoint = operation === "updateOrderInfo" ? "updateMainInfo" : "appendSubInfo";
      expect(h.emulator.requestsTo(endpoint)).toHaveLength(1);
    },
  );
});
