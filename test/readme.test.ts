import "reflect-metadata";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../src/config/load";
import { withEmulator } from "../src/dev/mode";
import { exampleCurl } from "../src/dev/example";
import { GATEWAY_NODE_FLAGS } from "../src/lib/runtime";
import { createLogger } from "../src/ops/log";
import { startGateway } from "../src/server";
import { testStore } from "./support/store";

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

describe("README.md", () => {
  it("shows the curl example that npm start prints", () => {
    expect(readme).toContain(exampleCurl("http://127.0.0.1:4000/graphql"));
  });

  it("gets the answer it promises for its curl example from a development gateway with the embedded emulator", async () => {
    const heredoc = readme.match(/--data-binary @- <<'JSON'\n([\s\S]*?)\nJSON\n/);
    const promised = readme.match(/It answers `(\{.*\})`\./);
    const dev = await withEmulator({ ...loadConfig({ GATEWAY_DATA_DIR: "memory://" }), port: 0 });
    const gateway = await startGateway({
      config: dev.config,
      logger: createLogger({ level: "error", write: () => {} }),
      sql: await testStore(),
    });
    try {
      const response = await fetch(gateway.graphqlUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer dev-only-key-for-the-local-emulator",
        },
        body: heredoc![1],
      });
      expect(await response.json()).toEqual(JSON.parse(promised![1]!));
      expect(
        dev.emulator.store.get(dev.config.apps[0]!.appKey, "2221554346520")?.record.EXT?.SubsOrder
          ?.Status,
      ).toBe(401);
    } finally {
      await gateway.close();
      await dev.emulator.close();
    }
  });

  it("runs its GraphQL examples of delivery and the ledger's queries without errors, in order", async () => {
    const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(examples).toHaveLength(3);
    const dev = await withEmulator({ ...loadConfig({ GATEWAY_DATA_DIR: "memory://" }), port: 0 });
    const gateway = await startGateway({
      config: dev.config,
      logger: createLogger({ level: "error", write: () => {} }),
      sql: await testStore(),
    });
    try {
      const answers: Array<{ errors?: unknown; data: any }> = [];
      for (const query of examples) {
        const response = await fetch(gateway.graphqlUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: "Bearer dev-only-key-for-the-local-emulator",
          },
          body: JSON.stringify({ query }),
        });
        answers.push((await response.json()) as { errors?: unknown; data: any });
      }
      expect(answers.map((answer) => answer.errors)).toEqual([undefined, undefined, undefined]);
      expect(answers[0].data.updateOrderStatus.delivery).toEqual({ id: "1", state: "PENDING" });
      expect(answers[2].data.order.deliveries.edges[0].node).toEqual({
        id: "1",
        operation: "updateOrderStatus",
        state: expect.stringMatching(/^(PENDING|SENDING|DELIVERED)$/),
      });
    } finally {
      await gateway.close();
      await dev.emulator.close();
    }
  });

  it("documents every environment variable the configuration reads", () => {
    const source = readFileSync(join(__dirname, "../src/config/load.ts"), "utf8");
    const variables = new Set([...source.matchAll(/env\.([A-Z_0-9]+)/g)].map((m) => m[1]!));
    expect([...variables].filter((name) => !readme.includes(`\`${name}`))).toEqual([]);
  });

  it("names the two commands on its first screen", () => {
    const firstScreen = readme.split("\n").slice(0, 20).join("\n");
    expect(firstScreen).toContain("npm ci && npm start");
    expect(firstScreen).toContain("npm test");
  });
});

describe("npm start", () => {
  it("runs the gateway with the Node flags the benchmark measured", () => {
    const start: string = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8"))
      .scripts.start;
    // `exec`: npm's SIGTERM reaches the gateway itself, not a shell in between (the build runs in
    // prestart).
    expect(start).toBe(`exec node ${GATEWAY_NODE_FLAGS.join(" ")} dist/src/main.js`);
  });
});
