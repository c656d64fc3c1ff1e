import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderSchema } from "../src/cli/emit-schema";
import { SCHEMA_FILE } from "../src/graphql/build-schema";

describe("schema/schema.graphql", () => {
  it("matches the schema the classes build (run `npm run schema` after changing them)", async () => {
    const committed = readFileSync(join(__dirname, "..", SCHEMA_FILE), "utf8");
    expect(await renderSchema()).toBe(committed);
  });

  it("documents every enum value with its Baidu code", async () => {
    const sdl = await renderSchema();
    // The ledger's own enums carry no Baidu code.
    const ledger = ["AttemptOutcome", "DeliveryMode", "DeliveryState"];
    const enums = [...sdl.matchAll(/enum (\w+) \{([^}]*)\}/g)].filter(
      ([, name]) => !ledger.includes(name!),
    );
    expect(enums.map(([, name]) => name).sort()).toEqual([
      "AfterSaleStatus",
      "AfterSaleType",
      "DetailPageStatus",
      "ExpressType",
      "OrderCategory",
      "OrderStatus",
      "PaymentMethod",
    ]);
    for (const [, name, body] of enums) {
      const values = body!.match(/^\s+[A-Z_]+$/gm) ?? [];
      const described = body!.match(/"""\s*\d+\b/g) ?? [];
      expect({ name, described: described.length }).toEqual({ name, described: values.length });
    }
  });
});
