import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { ENDPOINTS, TOKEN_GRANT_TYPE, TOKEN_PATH, TOKEN_SCOPE } from "../src/baidu/endpoints";
import { DEV_OPEN_ID, SEED_ORDER } from "../src/emulator/dev-app";
import { DEV_APP } from "../src/emulator/dev-app";

/** Baidu's update/sub/info doc example, verbatim (the fidelity test reads the same file). */
const DOC_EXAMPLE = JSON.parse(
  readFileSync(
    join(__dirname, "..", "..", "test", "fixtures", "update-sub-info.doc-example.json"),
    "utf8",
  ),
);

/**
 * Baidu's doc example as the gateway sends it for `EXAMPLE_REQUEST`: the doc's `"Status": 0` and
 * `"SubStatus": ""` placeholders become 401 (处理中, what PROCESSING maps to), since the emulator,
 * like Baidu, answers the placeholders with errno 40001. `run` checks this body against the
 * gateway's own dry-run preview, so the direct clients and the gateway cannot drift.
 */
export const AFTER_SALE_BODY = (() => {
  const body = structuredClone(DOC_EXAMPLE);
  body.Data[0].BizAPPID = DEV_APP.appKey;
  body.Data[0].EXT.SubsOrder.Status = 401;
  body.Data[0].EXT.SubsOrder.Items[0].SubStatus = 401;
  return body as { Data: unknown[] };
})();

/** The query string of the call, the token aside, in the order Baidu's SDKs build it. */
export const AFTER_SALE_QUERY: ReadonlyArray<[string, string]> = [
  ["open_id", DEV_OPEN_ID],
  ["scene_type", "2"],
  ["pm_app_key", DEV_APP.pmAppKey],
];

export const AFTER_SALE_PATH = ENDPOINTS.updateSubInfo.path;

/** One client-credentials token from the emulator, as any integration fetches it at start. */
export async function fetchToken(origin: string): Promise<string> {
  const query = new URLSearchParams({
    grant_type: TOKEN_GRANT_TYPE,
    client_id: DEV_APP.appKey,
    client_secret: DEV_APP.appSecret,
    scope: TOKEN_SCOPE,
  });
  const answer = await request(`${origin}${TOKEN_PATH}?${query}`);
  const body = (await answer.body.json()) as { access_token?: string };
  if (answer.statusCode !== 200 || !body.access_token)
    throw new Error(
      `The emulator refused a token: HTTP ${answer.statusCode} ${JSON.stringify(body)}`,
    );
  return body.access_token;
}

/**
 * Creates order 2221554346520 with after-sale order "onlyOne" (the dev seed) with one E1 call, so
 * that update/sub/info applies (`rows_affected` "1") instead of missing the order.
 */
export async function seedOrder(origin: string, token: string): Promise<void> {
  await addOrder(origin, token, SEED_ORDER);
}

/** The first order of the "many orders" rows (13 digits, like the dev seed's ResourceID). */
export const MANY_ORDER_BASE = 3_000_000_000_000;

/** The orders of the "many orders" rows. */
export const MANY_ORDER_IDS: readonly string[] = Array.from({ length: 1000 }, (_, i) =>
  String(MANY_ORDER_BASE + i),
);

/** The `scene_id` the emulator's orders are imported with (E1's query string). */
export const SEED_SCENE_ID = "159259079195";

/**
 * Creates each order as a copy of the dev seed under its own ResourceID (same user, same after-sale
 * order "onlyOne"), one E1 call each since E1 takes one item per call, a few calls at a time.
 */
export async function seedOrders(
  origin: string,
  token: string,
  resourceIds: readonly string[],
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < resourceIds.length) {
      const resourceId = resourceIds[next++]!;
      await addOrder(origin, token, { ...structuredClone(SEED_ORDER), ResourceID: resourceId });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function addOrder(origin: string, token: string, order: typeof SEED_ORDER): Promise<void> {
  const query = new URLSearchParams([
    ["access_token", token],
    ["scene_id", SEED_SCENE_ID],
    ...AFTER_SALE_QUERY,
  ]);
  const answer = await request(`${origin}${ENDPOINTS.addMainInfo.path}?${query}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ Data: [order] }),
  });
  const text = await answer.body.text();
  if (answer.statusCode !== 200 || !text.includes('"errno":0'))
    throw new Error(`Seeding order ${order.ResourceID} failed: HTTP ${answer.statusCode} ${text}`);
}
