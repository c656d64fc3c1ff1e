import { createServer } from "node:net";
import { Client } from "pg";
import { loadConfig } from "../src/config/load";
import { DEV_API_KEY } from "../src/auth/api-keys";
import { withEmulator } from "../src/dev/mode";
import { createLogger } from "../src/ops/log";
import { startGateway, type Gateway } from "../src/server";
import { MIGRATION_LOCK } from "../src/store/migrations";
import { eventually } from "./support/eventually";
import { testClock } from "./support/harness";
import { freshStoreConfig, testStore } from "./support/store";

const APPS_QUERY = JSON.stringify({ query: "{ apps { appKey } }" });

/** A port nobody listens on now, for a gateway whose URL is needed before it has started. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const get = async (base: string, path: string) => {
  const response = await fetch(base + path);
  return { status: response.status, body: await response.text() };
};
const postApps = (base: string) =>
  fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${DEV_API_KEY}` },
    body: APPS_QUERY,
  });

(process.env.TEST_DATABASE_URL ? describe : describe.skip)(
  "a gateway while it starts (PostgreSQL)",
  () => {
    it("answers /healthz, says 'starting' on /readyz and /graphql while its store migrates, then is ready", async () => {
      const store = await freshStoreConfig("postgres");
      // Another replica migrating: the gateway waits on the lock.
      const other = new Client({ connectionString: store.databaseUrl });
      await other.connect();
      await other.query("begin");
      await other.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const dev = await withEmulator({
        ...loadConfig({ DATABASE_URL: store.databaseUrl! }),
        port,
      });
      const starting = startGateway({
        config: dev.config,
        logger: createLogger({ level: "error", write: () => {} }),
      });
      let gateway: Gateway | undefined;
      try {
        await eventually(async () => (await get(base, "/healthz")).status === 200);
        expect(await get(base, "/readyz")).toEqual({ status: 503, body: '{"status":"starting"}' });
        const refused = await postApps(base);
        expect([refused.status, refused.headers.get("retry-after"), await refused.json()]).toEqual([
          503,
          "1",
          {
            errors: [
              { message: "The gateway is starting", extensions: { code: "GATEWAY_STARTING" } },
            ],
          },
        ]);
        expect((await get(base, "/metrics")).status).toBe(503);
        await other.query("commit");
        gateway = await starting;
        expect(await get(base, "/readyz")).toEqual({ status: 200, body: '{"status":"ready"}' });
        expect((await postApps(base)).status).toBe(200);
      } finally {
        await other.end();
        await (gateway ?? (await starting.catch(() => undefined)))?.close();
        await dev.emulator.close();
        await store.drop();
      }
    });
  },
);

describe("a gateway that cannot start", () => {
  it("frees its port when its store cannot be opened", async () => {
    const port = await freePort();
    const dev = await withEmulator({
      ...loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" }),
      port,
    });
    try {
      await expect(
        startGateway({
          config: dev.config,
          logger: createLogger({ level: "error", write: () => {} }),
        }),
      ).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await dev.emulator.close();
    }
  });
});

describe("a gateway while it stops", () => {
  it("shares one shutdown between two calls of close() (SIGTERM, then Ctrl-C)", async () => {
    const dev = await withEmulator({ ...loadConfig({ GATEWAY_DATA_DIR: "memory://" }), port: 0 });
    const gateway = await startGateway({
      config: dev.config,
      logger: createLogger({ level: "error", write: () => {} }),
      sql: await testStore(),
    });
    try {
      const [first, second] = await Promise.allSettled([gateway.close(), gateway.close()]);
      expect([first.status, second.status]).toEqual(["fulfilled", "fulfilled"]);
      await expect(gateway.close()).resolves.toBeUndefined();
    } finally {
      await dev.emulator.close();
    }
  });

  it("says 'stopping' on /readyz for shutdownDelayMs while it still serves, then closes", async () => {
    const time = testClock();
    const dev = await withEmulator({
      ...loadConfig({ GATEWAY_DATA_DIR: "memory://", SHUTDOWN_DELAY_MS: "5000" }),
      port: 0,
    });
    const gateway = await startGateway({
      config: dev.config,
      logger: createLogger({ level: "error", write: () => {} }),
      sql: await testStore(),
      clock: time.clock,
    });
    const base = gateway.graphqlUrl.replace(/\/graphql$/, "");
    try {
      expect(await get(base, "/readyz")).toEqual({ status: 200, body: '{"status":"ready"}' });
      const release = time.hold();
      const closing = gateway.close();
      await eventually(() => time.sleeps.includes(5000));
      expect(await get(base, "/readyz")).toEqual({ status: 503, body: '{"status":"stopping"}' });
      // Load balancers may still send during the delay: it is served.
      const late = await postApps(base);
      expect([late.status, late.headers.get("connection")]).toEqual([200, "close"]);
      release();
      await closing;
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      await dev.emulator.close();
    }
  });
});
