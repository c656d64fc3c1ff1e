import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { createSchema, SCHEMA_FILE } from "../graphql/build-schema";

/**
 * The committed SDL's text: a header, then the schema as type-graphql builds it from the classes.
 */
export async function renderSchema(): Promise<string> {
  const header =
    "# Generated from the classes in schema/ and resolvers/ by `npm run schema`. Do not edit.\n\n";
  return header + printSchema(await createSchema()) + "\n";
}

if (require.main === module) {
  renderSchema()
    .then((sdl) => writeFileSync(SCHEMA_FILE, sdl))
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    });
}
