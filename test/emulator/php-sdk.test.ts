import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TOKEN_PATH } from "../../src/baidu/endpoints";
import type { Emulator, EmulatorOptions } from "../../src/emulator/server";
import { APP, send, startTestEmulator, type Answer } from "./helpers";

interface SdkRequest {
  method: string;
  path: string;
  /** In the order sent; `client_secret` and `access_token` masked. */
  query: Array<[string, string]>;
  body?: { Data: Array<{ BizAPPID: string; CateID: number; ResourceID: string }> };
}

/**
 * What Baidu's official PHP SDK sent running its own doc_examples, with Baidu's example values
 * (contract §1.1, §1.4.7; test/fixtures/README.md).
 */
const SDK: { requests: SdkRequest[] } = JSON.parse(
  readFileSync(join(__dirname, "..", "fixtures", "baidu-php-sdk-requests.json"), "utf8"),
);

/** The content types the SDK sent: `application/json;` on writes, a form type on the token GET. */
const WRITE_TYPE = "application/json;";
const TOKEN_TYPE = "application/x-www-form-urlencoded";

/**
 * Sends every recorded request as the SDK did, in order, the masked secret and token filled in.
 */
async function replay(emulator: Emulator): Promise<Answer[]> {
  let token = "";
  const answers: Answer[] = [];
  for (const request of SDK.requests) {
    const query = request.query.map(([name, value]): [string, string] => [
      name,
      name === "client_secret" ? APP.appSecret : name === "access_token" ? token : value,
    ]);
    const answer = await send(`${emulator.url}${request.path}?${new URLSearchParams(query)}`, {
      method: request.method,
      headers: { "content-type": request.body === undefined ? TOKEN_TYPE : WRITE_TYPE },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
    });
    if (request.path === TOKEN_PATH) token = answer.json.access_token;
    answers.push(answer);
  }
  return answers;
}

/** Baidu's success answer to one of the SDK's writes, every item applied (contract §3.1). */
const applied = (request: SdkRequest) => ({
  status: 200,
  json: {
    errno: 0,
    msg: "success",
    data: request.body!.Data.map((item) => ({
      biz_app_id: item.BizAPPID,
      cate_id: String(item.CateID),
      resource_id: item.ResourceID,
      rows_affected: "1",
    })),
  },
});

const writes = SDK.requests.filter((request) => request.body !== undefined);

describe("the emulator against Baidu's own PHP SDK", () => {
  let emulator: Emulator | undefined;
  const start = async (options: Partial<EmulatorOptions> = {}): Promise<Emulator> =>
    (emulator = await startTestEmulator(options));
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it("has a token request and one write to each of the seven endpoints, in the SDK's order", () => {
    expect(SDK.requests.map((request) => request.path.split("/app/")[1] ?? request.path)).toEqual([
      TOKEN_PATH,
      "add/main/info",
      "update/main/info",
      "update/main/status",
      "append/sub/info",
      "update/sub/info",
      "update/sub/status",
      "add/main/logistics",
    ]);
  });

  it("accepts and applies every request the SDK sends, Baidu's placeholders and its one Express object included", async () => {
    const started = await start();
    const [token, ...answers] = await replay(started);
    expect(token).toMatchObject({
      status: 200,
      json: { access_token: expect.stringMatching(/^24\./) },
    });
    expect(answers.map(({ status, json }) => ({ status, json }))).toEqual(writes.map(applied));

    const order = started.store.get(APP.appKey, "1460246024680")!;
    expect(order.openId).toBe("dev-open-id");
    const main = order.record.EXT!.MainOrder!;
    // The SDK's data as it wrote it: a placeholder image, a zero payment time, a quoted link
    // status outside the documented 0/1/2 (contract §1.4.5).
    expect(main.Products![0]!.ImgList).toEqual(["xxxxx"]);
    expect(main.Payment!.Time).toBe(0);
    expect(main.Express).toEqual([
      { Code: "SFEXPRESS", ID: "1344732022", Name: "顺丰快递", Status: 0, Type: 1 },
    ]);
    expect(order.record.EXT!.SubsOrder).toEqual({
      Status: 403,
      Items: [
        expect.objectContaining({
          SubOrderID: "onlyOne",
          SubStatus: 403,
          OrderDetail: expect.objectContaining({ Status: "3" }),
        }),
      ],
    });
  });

  it("logs each request with its headers and its query string as the SDK sent them", async () => {
    const started = await start();
    await replay(started);
    const logged = started.requests;
    expect(logged.map((request) => request.headers["content-type"])).toEqual(
      SDK.requests.map((request) => (request.body === undefined ? TOKEN_TYPE : WRITE_TYPE)),
    );
    const [, e1] = logged;
    expect(e1!.query).toEqual({
      sp_sdk_lang: "php",
      sp_sdk_ver: "0.1.5",
      access_token: expect.stringMatching(/^24\./),
      open_id: "dev-open-id",
      swan_id: "",
      scene_id: "159259079195",
      scene_type: "2",
      pm_app_key: "emulator-pm-app-key",
    });
    expect(e1!.body).toEqual(SDK.requests[1]!.body);
  });

  it("refuses only the SDK's logistics call when told to take arrays alone, and takes all of them when told to take the object", async () => {
    const arrays = await start({ expressShape: "array" });
    const answers = (await replay(arrays)).slice(1);
    expect(answers.slice(0, -1).map(({ status, json }) => ({ status, json }))).toEqual(
      writes.slice(0, -1).map(applied),
    );
    expect(answers.at(-1)!.json).toEqual({
      errno: 40001,
      msg: "parameter error: Data[0].EXT.MainOrder.Express must be an array (this emulator requires that shape)",
      data: [],
    });
    await arrays.close();

    const strict = (await replay(await start({ expressShape: "object" }))).slice(1);
    expect(strict.map(({ status, json }) => ({ status, json }))).toEqual(writes.map(applied));
  });
});
