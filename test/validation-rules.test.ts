import "reflect-metadata";
import { getMetadataStorage } from "class-validator";
import { getMetadataStorage as getTypeGraphQLMetadata } from "type-graphql";
import { createSchema } from "../src/graphql/build-schema";

describe("the memoized class-validator rule lookup (src/graphql/validate-input.ts)", () => {
  it("returns, for every input class, the rules class-validator's own lookup returns", async () => {
    await createSchema(); // installs the memo
    const storage = getMetadataStorage();
    const ownLookup = Object.getPrototypeOf(storage)
      .getTargetValidationMetadatas as typeof storage.getTargetValidationMetadatas;
    expect(storage.getTargetValidationMetadatas).not.toBe(ownLookup);
    const classes = getTypeGraphQLMetadata().inputTypes.map((type) => type.target);
    expect(classes.length).toBeGreaterThan(10);
    for (const target of classes) {
      for (const schema of [undefined, target.name] as Array<string | undefined>) {
        const expected = ownLookup.call(storage, target, schema as string, false, false, undefined);
        expect(
          storage.getTargetValidationMetadatas(target, schema as string, false, false, undefined),
        ).toEqual(expected);
        expect(
          storage.getTargetValidationMetadatas(target, schema as string, false, false, undefined),
        ).toBe(
          storage.getTargetValidationMetadatas(target, schema as string, false, false, undefined),
        );
      }
    }
  });
});
