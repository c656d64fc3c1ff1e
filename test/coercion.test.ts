import { fromCoercionMessage } from "../src/graphql/violations";
import { UpdateAfterSaleOrderDocument, type UpdateAfterSaleOrderInput } from "./generated/graphql";
import * as ex from "./support/examples";
import { startHarness, type Harness } from "./support/harness";

describe("errors graphql-js raises while coercing variables", () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());
  afterEach(() => expect(h.emulator.requests).toEqual([]));

  /** Sends an input that does not fit the schema's types, as an untyped client could. */
  const sendRaw = (change: (input: Record<string, any>) => void) => {
    const input = structuredClone(ex.updateAfterSaleOrderInput) as unknown as Record<string, any>;
    change(input);
    return h.send(UpdateAfterSaleOrderDocument, { input: input as UpdateAfterSaleOrderInput });
  };

  it.each([
    [
      "a string for an Int",
      (i: Record<string, any>) => (i.sceneType = "PERSONAL-DATA"),
      "input.sceneType",
      "Int cannot represent non-integer value",
    ],
    [
      "a string with a semicolon for an Int",
      (i: Record<string, any>) => (i.sceneType = "x; PERSONAL-DATA"),
      "input.sceneType",
      "Int cannot represent non-integer value",
    ],
    [
      "an object for a String",
      (i: Record<string, any>) => (i.appKey = { a: 'PERSONAL-DATA" }; at "input.x' }),
      "input.appKey",
      "String cannot represent a non string value",
    ],
    [
      "an unknown enum value",
      (i: Record<string, any>) => (i.category = "PERSONAL-DATA"),
      "input.category",
      "is not a value of the OrderCategory enum",
    ],
    [
      "a fraction for UnixSeconds",
      (i: Record<string, any>) => (i.afterSale.items[0].createdAt = 1571026201.5),
      "input.afterSale.items[0].createdAt",
      "UnixSeconds must be a whole number of seconds since 1970-01-01T00:00:00Z",
    ],
    [
      "a missing required field",
      (i: Record<string, any>) => delete i.afterSale.status,
      "input.afterSale",
      'Field "status" of required type "AfterSaleStatus!" was not provided.',
    ],
    [
      "a field the type does not define",
      (i: Record<string, any>) => (i.afterSale.PERSONAL = 1),
      "input.afterSale",
      'has a field that type "AfterSaleInput" does not define',
    ],
  ])(
    "names the field and the problem for %s, without echoing the value",
    async (_label, change, path, message) => {
      const { status, body, text } = await sendRaw(change);
      expect(status).toBe(400);
      expect(body).toEqual({
        errors: [
          {
            message: `Invalid input: ${path}: ${message}`,
            locations: expect.any(Array),
            extensions: { code: "BAD_USER_INPUT", violations: [{ path, message }] },
          },
        ],
      });
      expect(text).not.toContain("PERSONAL-DATA");
      expect(text).not.toContain("1571026201.5");
      expect(text).not.toContain("PERSONAL");
    },
  );

  it("leaves messages of other forms alone", () => {
    expect(
      fromCoercionMessage('Variable "$input" of required type "X!" was not provided.', "anything"),
    ).toBeUndefined();
    expect(fromCoercionMessage("Cannot query field", undefined)).toBeUndefined();
  });

  it("falls back to a generic reason it knows carries no value", () => {
    expect(
      fromCoercionMessage(
        'Variable "$input" got invalid value "v" at "input.x"; Some new reason: "v"',
        'Some new reason: "v"',
      ),
    ).toEqual({
      path: "input.x",
      message: "has a value of the wrong type",
    });
  });
});
