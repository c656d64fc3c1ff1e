import { toCallTarget, type ImportedOrder } from "../resolvers/target.mapping";

const guest: ImportedOrder = {
  label: "the order",
  ids: { resourceId: "r", deliveryId: 7, swanId: "device-1", sceneId: "11", sceneType: 2 },
};

describe("toCallTarget: the query string of a write", () => {
  it("sends importOrder's ids as given, with Baidu's default scene type", () => {
    expect(
      toCallTarget("addMainInfo", { appKey: "k", openId: "u", sceneId: "1" }, []),
    ).toStrictEqual({
      target: { appKey: "k", openId: "u", sceneId: "1", sceneType: 2 },
      problems: [],
    });
  });

  it("fills in a guest's swanId and the scene of the import", () => {
    expect(toCallTarget("updateSubStatus", { appKey: "k" }, [guest])).toStrictEqual({
      target: { appKey: "k", swanId: "device-1", sceneId: "11", sceneType: 2 },
      problems: [],
    });
  });

  it("refuses an openId for an order imported for a guest's swanId (contract §1.1, the scene check)", () => {
    expect(
      toCallTarget("updateSubStatus", { appKey: "k", openId: "device-1" }, [guest]).problems,
    ).toStrictEqual([
      {
        field: "openId",
        message:
          "does not match the user the order was imported with (importOrder delivery 7); leave openId and swanId out to send the import's",
      },
    ]);
  });

  it("refuses to guess the user of a batch whose orders were imported for different users", () => {
    const other: ImportedOrder = {
      label: "input.orders[1]",
      ids: { ...guest.ids, deliveryId: 8, swanId: undefined, openId: "u" },
    };
    const first = { ...guest, label: "input.orders[0]" };
    expect(
      toCallTarget("updateMainStatus", { appKey: "k" }, [first, other]).problems,
    ).toStrictEqual([
      {
        field: "openId",
        message:
          "input.orders[0] and input.orders[1] were imported with different users; write them in separate calls",
      },
    ]);
  });

  it("fills in nothing for a batch of which the ledger holds the import of some orders only", () => {
    const first = { ...guest, label: "input.orders[0]" };
    const { target, problems } = toCallTarget(
      "updateMainStatus",
      { appKey: "k" },
      [first],
      ["input.orders[1]"],
    );
    expect(problems).toStrictEqual([
      {
        field: "openId",
        message:
          "input.orders[1] has no import in the ledger to take the user from (input.orders[0] was imported with one); give openId or swanId, or write them in separate calls",
      },
      {
        field: "sceneId",
        message:
          "input.orders[1] has no import in the ledger to take the sceneId from (input.orders[0] was imported with one); give it, or write them in separate calls",
      },
    ]);
    expect(target).toStrictEqual({ appKey: "k", sceneType: 2 });
    // Given, the ids go out for every order (they must still match the imports the ledger holds).
    expect(
      toCallTarget(
        "updateMainStatus",
        { appKey: "k", swanId: "device-1", sceneId: "11" },
        [first],
        ["input.orders[1]"],
      ),
    ).toStrictEqual({
      target: { appKey: "k", swanId: "device-1", sceneId: "11", sceneType: 2 },
      problems: [],
    });
    // Where Baidu does not require a scene id, such a batch goes without one.
    expect(
      toCallTarget(
        "updateSubStatus",
        { appKey: "k", swanId: "device-1" },
        [first],
        ["input.orders[1]"],
      ),
    ).toStrictEqual({ target: { appKey: "k", swanId: "device-1", sceneType: 2 }, problems: [] });
  });
});
