import { TokenCache } from "../src/baidu/token";
import type { IssuedToken } from "../src/baidu/decode";
import { testClock } from "./support/harness";

/** A token fetch the test answers by hand, counting how often it was asked. */
function manualFetch() {
  const pending: Array<(token: IssuedToken) => void> = [];
  const fetchToken = jest.fn(
    (_appKey: string) => new Promise<IssuedToken>((resolve) => pending.push(resolve)),
  );
  return {
    fetchToken,
    answer: (token: string, expiresInSeconds = 3600) =>
      pending.shift()!({ token, expiresInSeconds }),
  };
}

describe("TokenCache", () => {
  it("asks once for 1,000 callers that all arrive while the fetch is in flight", async () => {
    const { fetchToken, answer } = manualFetch();
    const cache = new TokenCache(fetchToken, testClock().clock);
    const waiting = Array.from({ length: 1000 }, () => cache.get("app"));
    answer("t1");
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(["t1"]));
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("keeps one token per app", async () => {
    const { fetchToken, answer } = manualFetch();
    const cache = new TokenCache(fetchToken, testClock().clock);
    const a = cache.get("a");
    const b = cache.get("b");
    answer("token-a");
    answer("token-b");
    expect([await a, await b]).toEqual(["token-a", "token-b"]);
    expect(fetchToken.mock.calls).toEqual([["a"], ["b"]]);
  });

  it("drops only the token that was rejected, so concurrent rejections cause one refetch", async () => {
    const { fetchToken, answer } = manualFetch();
    const cache = new TokenCache(fetchToken, testClock().clock);
    const first = cache.get("app");
    answer("old");
    await first;
    cache.invalidate("app", "old");
    const second = cache.get("app");
    cache.invalidate("app", "old"); // a second caller that also saw "old" rejected
    const third = cache.get("app");
    answer("new");
    expect([await second, await third]).toEqual(["new", "new"]);
    cache.invalidate("app", "old"); // late: "new" is kept
    expect(await cache.get("app")).toBe("new");
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("refreshes a minute before expires_in runs out", async () => {
    const { fetchToken, answer } = manualFetch();
    const time = testClock();
    const cache = new TokenCache(fetchToken, time.clock);
    const first = cache.get("app");
    answer("t1", 3600);
    await first;
    time.advance(3_539_000);
    expect(await cache.get("app")).toBe("t1");
    time.advance(1_000);
    const refreshed = cache.get("app");
    answer("t2", 3600);
    expect(await refreshed).toBe("t2");
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("lets the next caller try again after a failed fetch", async () => {
    let calls = 0;
    const cache = new TokenCache(async () => {
      calls += 1;
      if (calls === 1) throw new Error("refused");
      return { token: "t", expiresInSeconds: 3600 };
    }, testClock().clock);
    await expect(cache.get("app")).rejects.toThrow("refused");
    expect(await cache.get("app")).toBe("t");
  });
});
