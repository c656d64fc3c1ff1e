/**
 * Waits for a condition the gateway brings about in its own time (a delivery in the background),
 * checking every 10 ms and failing after `ms`. The outcome asserted never depends on the timing.
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 10_000,
): Promise<T> {
  const ends = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > ends) throw new Error(`The condition did not hold within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
