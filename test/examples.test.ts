import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildSchema, parse, validate } from "graphql";
import { DEV_OPEN_ID, SEED_ORDER } from "../src/emulator/dev-app";
import { EXAMPLE_REQUEST } from "../src/dev/example";
import {
  EXAMPLES,
  examplesDir,
  loadExample,
  runExample,
  type ExampleName,
} from "../src/cli/example";
import { ADMIN_KEY, SHOP, startHarness, type Harness } from "./support/harness";

/** The compiled runner `npm run example` runs (npm test builds it first). */
const RUNNER = join(__dirname, "..", "dist", "src", "cli", "example.js");
const run = promisify(execFile);

/** Runs the built `npm run example` command; resolves with its exit code and output. */
async function runner(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [RUNNER, ...args], {
      env: { PATH: process.env.PATH ?? "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const WRITES: readonly ExampleName[] = [
  "importOrder",
  "updateOrderInfo",
  "updateOrderStatus",
  "appendAfterSaleOrders",
  "updateAfterSaleOrder",
  "updateAfterSaleOrderStatus",
  "updateOrderLogistics",
];

describe("examples/", () => {
  it("has an operation and its variables for every example, and nothing else", () => {
    const expected = EXAMPLES.flatMap(({ name }) => [`${name}.graphql`, `${name}.variables.json`]);
    expect(readdirSync(examplesDir()).sort()).toEqual(expected.sort());
    expect(EXAMPLES.map(({ name }) => name)).toEqual(
      expect.arrayContaining([...WRITES, "delivery", "deliveries", "order", "apps"]),
    );
  });

  it("holds operations valid against schema/schema.graphql, one operation each, named after the field it runs", () => {
    const schema = buildSchema(
      readFileSync(join(__dirname, "..", "schema", "schema.graphql"), "utf8"),
    );
    for (const { name } of EXAMPLES) {
      const document = parse(loadExample(name).query);
      expect({ name, errors: validate(schema, document).map((error) => error.message) }).toEqual({
        name,
        errors: [],
      });
      expect(document.definitions).toHaveLength(1);
      expect(JSON.stringify(document)).toContain(`"value":"${name}"`);
    }
  });

  it("has the README's curl example as updateAfterSaleOrder, and the same after-sale info in appendAfterSaleOrders", () => {
    const update = loadExample("updateAfterSaleOrder").variables;
    expect(update).toEqual(EXAMPLE_REQUEST.variables);
    const append = loadExample("appendAfterSaleOrders").variables as {
      input: { afterSale: unknown };
    };
    expect(append.input.afterSale).toEqual(EXAMPLE_REQUEST.variables.input.afterSale);
  });

  it("are listed by npm run example without a name, and an unknown name is refused", async () => {
    expect(existsSync(RUNNER)).toBe(true);
    const listing = await runner();
    expect(listing.code).toBe(0);
    for (const { name } of EXAMPLES) expect(listing.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    const unknown = await runner("noSuchExample");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no example named noSuchExample");
  });
});

describe("the examples, run in order against a gateway whose emulator is seeded like npm start's", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    // What src/dev/mode.ts seeds for npm start (and src/emulator/main.ts for npm run emulator).
    h.emulator.store.addMainInfo(structuredClone(SEED_ORDER), { openId: DEV_OPEN_ID });
  });
  afterAll(() => h.close());

  const options = () => ({ url: h.gateway.graphqlUrl, key: ADMIN_KEY });
  let lastDeliveryId: string | undefined;

  type WriteAnswer = {
    allApplied: boolean;
    results: { resourceId: string; rowsAffected: number; applied: boolean }[];
    delivery: { id: string; state: string };
  };

  it.each(WRITES.map((name) => [name]))(
    "%s answers without errors, and applies as Baidu's example does",
    async (name) => {
      const { status, body } = await runExample(name, options());
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      const answer = (body.data as Record<string, WriteAnswer>)[name]!;
      expect(answer.delivery.state).toBe("DELIVERED");
      lastDeliveryId = answer.delivery.id;
      if (name === "updateOrderStatus") {
        // Baidu's example sets two orders; only 2221554346520 is seeded, so the other is not
        // written.
        expect(answer.allApplied).toBe(false);
        expect(answer.results).toEqual([
          { resourceId: "2221554346520", rowsAffected: 1, applied: true },
          { resourceId: "3221554346520", rowsAffected: 0, applied: false },
        ]);
      } else {
        expect(answer.allApplied).toBe(true);
        expect(answer.results).toEqual([
          { resourceId: "2221554346520", rowsAffected: 1, applied: true },
        ]);
      }
    },
  );

  it("delivery reads back the last write (its id given as --var id=…)", async () => {
    expect(lastDeliveryId).toBeDefined();
    const { body } = await runExample("delivery", { ...options(), vars: { id: lastDeliveryId } });
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({
      delivery: { id: lastDeliveryId, state: "DELIVERED", operation: "updateOrderLogistics" },
    });
  });

  it("deliveries lists the seven writes, newest first", async () => {
    const { body } = await runExample("deliveries", options());
    expect(body.errors).toBeUndefined();
    const edges = (
      body.data as { deliveries: { edges: { node: { operation: string; state: string } }[] } }
    ).deliveries.edges;
    expect(edges.map((edge) => edge.node.operation)).toEqual([...WRITES].reverse());
    expect(edges.every((edge) => edge.node.state === "DELIVERED")).toBe(true);
  });

  it("order shows what the writes left: the refunded after-sale order and the tracking number", async () => {
    const { body } = await runExample("order", options());
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({
      order: {
        resourceId: "2221554346520",
        statusCode: 200,
        afterSaleStatusCode: 402,
        afterSaleOrders: [{ subOrderId: "onlyOne", statusCode: 402 }],
        trackingNumbers: [{ trackingNumber: "SF1234567890", courierCode: "SFEXPRESS" }],
      },
    });
    expect(
      h.emulator.store.get(SHOP.appKey, "2221554346520")?.record.EXT?.MainOrder?.Express?.[0]?.ID,
    ).toBe("SF1234567890");
  });

  it("apps lists the apps of the API key", async () => {
    const { body } = await runExample("apps", options());
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      apps: expect.arrayContaining([{ appKey: SHOP.appKey, name: SHOP.name }]),
    });
  });

  it("npm run example prints the JSON answer, and exits non-zero on GraphQL errors", async () => {
    const ok = await runner("apps", "--url", h.gateway.graphqlUrl, "--key", ADMIN_KEY);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      data: { apps: expect.arrayContaining([{ appKey: SHOP.appKey, name: SHOP.name }]) },
    });
    const refused = await runner("apps", "--url", h.gateway.graphqlUrl, "--key", "not-a-key");
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).errors.length).toBeGreaterThan(0);
  });
});
