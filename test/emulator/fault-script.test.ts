import { FaultScript, toFault } from "../../src/emulator/faults";

describe("FaultScript", () => {
  it("hands out nothing for a route no fault matches", () => {
    const script = new FaultScript();
    script.add({ route: "token", kind: "drop" });
    expect(script.take("addMainInfo")).toBeUndefined();
    expect(script.pending()).toHaveLength(1);
  });

  it("returns the fault it adds, checked", () => {
    expect(new FaultScript().add({ route: "*", kind: "latency", ms: 10, times: 3 })).toEqual({
      route: "*",
      kind: "latency",
      ms: 10,
      times: 3,
    });
  });

  it("empties pending() once every fault has fired", () => {
    const script = new FaultScript();
    script.add({ route: "*", kind: "malformed", times: 2 });
    script.add({ route: "token", kind: "hang" });
    expect(script.take("token")).toMatchObject({ kind: "malformed" });
    expect(script.take("addMainInfo")).toMatchObject({ kind: "malformed" });
    expect(script.take("token")).toMatchObject({ kind: "hang" });
    expect(script.pending()).toEqual([]);
  });

  it("forgets every fault on clear()", () => {
    const script = new FaultScript();
    script.add({ route: "*", kind: "drop" });
    script.clear();
    expect(script.pending()).toEqual([]);
  });

  it.each([
    ["a non-object", 42, "must be an object"],
    ["an unknown route", { route: "cancelOrder", kind: "drop" }, "fault route"],
    ["an unknown kind", { route: "*", kind: "explode" }, "unknown fault kind"],
    ["a zero times", { route: "*", kind: "drop", times: 0 }, "positive integer"],
    ["a latency without ms", { route: "*", kind: "latency" }, '"latency"'],
    ["an HTTP status out of range", { route: "*", kind: "http", status: 99 }, '"http"'],
    [
      "an errorCode with a numeric msg",
      { route: "*", kind: "errorCode", code: 18, msg: 1 },
      '"errorCode"',
    ],
    ["an errno that is not an integer", { route: "*", kind: "errno", errno: "40001" }, '"errno"'],
    ["a prototype property as kind", { route: "*", kind: "toString" }, "unknown fault kind"],
  ])("rejects %s with a TypeError", (_label, value, message) => {
    expect(() => toFault(value)).toThrow(TypeError);
    expect(() => toFault(value)).toThrow(message);
  });
});
