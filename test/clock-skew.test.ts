import { checkClock } from "../src/store/clock-skew";
import { createLogger } from "../src/ops/log";
import { testStore } from "./support/store";

/** A replica whose clock is off the database server's says so at start (leases compare clocks). */
(process.env.TEST_DATABASE_URL ? describe : describe.skip)("the clock check at start", () => {
  const logs = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger({ level: "debug", write: (line) => lines.push(line) }) };
  };

  it("warns, with the skew, when this machine's clock is five seconds ahead", async () => {
    const { lines, logger } = logs();
    await checkClock(await testStore("postgres"), logger, () => Date.now() + 5_000);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: string; msg: string; skewMs: number };
    expect([line.level, line.msg]).toEqual([
      "warn",
      "This machine's clock differs from the database server's; replicas compare leases by their clocks, keep them in sync (NTP)",
    ]);
    expect(line.skewMs).toBeGreaterThan(4_000);
    expect(line.skewMs).toBeLessThan(6_000);
  });

  it("says nothing when the clocks agree, nor for the embedded store", async () => {
    const { lines, logger } = logs();
    await checkClock(await testStore("postgres"), logger);
    await checkClock(await testStore("pglite"), logger, () => 0);
    expect(lines).toEqual([]);
  });
});
