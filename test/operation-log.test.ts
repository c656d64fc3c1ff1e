import { connect } from "node:net";
import { createLogger } from "../src/ops/log";
import { inRequest } from "../src/ops/request-scope";
import { ADMIN_KEY, SHOP, startHarness, type Harness } from "./support/harness";
import { eventually } from "./support/eventually";
import * as ex from "./support/examples";

const UPDATE_ORDER_INFO = `mutation ShopSync($input: UpdateOrderInfoInput!) {
  updateOrderInfo(input: $input) { allApplied }
}`;

const entries = (h: Harness) => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
const operationLines = (h: Harness) => entries(h).filter((entry) => entry.msg === "operation");

/** One line per GraphQL request, carrying its request id; every other line of it carries it too. */
describe("the operation log", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    ex.seedExampleOrders(h.emulator, { afterSale: false });
  });
  afterEach(() => h.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(h.gateway.graphqlUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${ADMIN_KEY}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it("keeps the client's x-request-id, answers with it, and writes one line naming the operation, caller, app and outcome", async () => {
    const response = await post(
      { query: UPDATE_ORDER_INFO, variables: { input: ex.updateOrderInfoInput } },
      { "x-request-id": "shop-7f3a" },
    );
    expect(response.headers.get("x-request-id")).toBe("shop-7f3a");
    expect(((await response.json()) as { data: unknown }).data).toEqual({
      updateOrderInfo: { allApplied: true },
    });
    const [line, ...others] = operationLines(h);
    expect(others).toEqual([]);
    const { time, durationMs, ...rest } = line!;
    expect(rest).toEqual({
      level: "info",
      msg: "operation",
      requestId: "shop-7f3a",
      operation: "updateOrderInfo",
      operationName: "ShopSync",
      caller: "admin",
      app: SHOP.appKey,
      code: "OK",
      status: 200,
    });
    expect(typeof time).toBe("string");
    expect(durationMs).toBeGreaterThanOrEqual(0);
  });

  it("logs a client that left before its body arrived as CLIENT_CLOSED, not as an answer or a fault", async () => {
    const { hostname, port } = new URL(h.gateway.graphqlUrl);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once("connect", resolve));
    // With `expect: 100-continue`, Node answers "100 Continue" as it hands the request over.
    socket.write(
      "POST /graphql HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n" +
        `authorization: Bearer ${ADMIN_KEY}\r\ncontent-length: 1000\r\nexpect: 100-continue\r\n\r\n`,
    );
    await new Promise((resolve) => socket.once("data", resolve));
    // Part of the body; then the client is gone.
    socket.write('{"query":');
    socket.destroy();
    const [line] = await eventually(() => {
      const lines = operationLines(h);
      return lines.length > 0 && lines;
    });
    expect(line).toMatchObject({ operation: "unparsed", code: "CLIENT_CLOSED", status: null });
    expect(entries(h).filter((entry) => entry.level === "error")).toEqual([]);
  });

  it("makes a request id when the client sends none, or one that is not plain", async () => {
    const made = await post({ query: "{ apps { appKey } }" });
    const odd = await post({ query: "{ apps { appKey } }" }, { "x-request-id": "a b\tc" });
    const ids = [made.headers.get("x-request-id"), odd.headers.get("x-request-id")];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(operationLines(h).map((entry) => entry.requestId)).toEqual(ids);
  });

  it("logs a Baidu rejection as a warning with the delivery and Baidu's request_id, and every line of the request carries its id", async () => {
    h.emulator.faults.add({
      route: "updateMainInfo",
      kind: "http",
      status: 200,
      body: { error_code: 6, error_msg: "No permission to access data", request_id: "3215698432" },
    });
    await post(
      { query: UPDATE_ORDER_INFO, variables: { input: ex.updateOrderInfoInput } },
      { "x-request-id": "refused-1" },
    );
    const line = operationLines(h)[0]!;
    expect(line).toMatchObject({
      level: "warn",
      operation: "updateOrderInfo",
      code: "BAIDU_REJECTED",
      deliveryId: "1",
      baiduRequestId: "3215698432",
      requestId: "refused-1",
    });
    // The worker's lines about the attempt name the delivery, not the request: a pass of the
    // worker serves every order with work, whichever request woke it.
    const attempt = entries(h).filter(
      (entry) => entry.msg !== "operation" && entry.deliveryId === 1,
    );
    expect(attempt.length).toBeGreaterThan(0);
    expect(attempt.filter((entry) => "requestId" in entry)).toEqual([]);
  });

  it("logs a refused caller by code, with no caller and no key", async () => {
    const response = await post(
      { query: "{ apps { appKey } }" },
      { authorization: "Bearer nope-k3y" },
    );
    expect(response.status).toBe(401);
    expect(operationLines(h)).toMatchObject([
      { operation: "unparsed", caller: null, code: "UNAUTHENTICATED", status: 401 },
    ]);
    expect(h.logs.join("\n")).not.toContain("nope-k3y");
  });

  it("logs a body that is not JSON by its HTTP status, and nothing for other routes", async () => {
    await fetch(h.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: "{ nope",
    });
    await fetch(h.gateway.graphqlUrl.replace(/graphql$/, "healthz"));
    expect(operationLines(h)).toMatchObject([
      { operation: "unparsed", code: "HTTP_400", status: 400 },
    ]);
  });
});

describe("the request scope", () => {
  it("puts the request's id on every line written while serving it, and on none after", async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
    await inRequest({ requestId: "r-1" }, async () => {
      logger.warn("before a pause");
      await new Promise((resolve) => setImmediate(resolve));
      logger.error("after it", { detail: 1 });
    });
    logger.info("outside");
    expect(lines.map((line) => JSON.parse(line).requestId)).toEqual(["r-1", "r-1", undefined]);
  });
});
