import { ENDPOINTS, TOKEN_PATH, type EndpointName } from "../../src/baidu/endpoints";
import type { WireOrderItem, WireSubOrderItem } from "../../src/baidu/wire";
import { DEV_APP } from "../../src/emulator/dev-app";
import {
  startEmulator,
  type Emulator,
  type EmulatorApp,
  type EmulatorOptions,
} from "../../src/emulator/server";

export const APP: EmulatorApp = { appKey: DEV_APP.appKey, appSecret: DEV_APP.appSecret };
export const OTHER_APP: EmulatorApp = {
  appKey: "OtherAppKeyOtherAppKeyOtherAppKe",
  appSecret: "other-secret",
};

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2025, 0, 1)): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

export function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ apps: [APP, OTHER_APP], ...options });
}

export interface Answer {
  status: number;
  text: string;
  json: any;
}

export async function send(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

export function tokenUrl(emulator: Emulator, params: Record<string, string>): string {
  return `${emulator.url}${TOKEN_PATH}?${new URLSearchParams(params)}`;
}

export async function getToken(emulator: Emulator, app = APP): Promise<string> {
  const params = {
    grant_type: "client_credentials",
    client_id: app.appKey,
    client_secret: app.appSecret,
    scope: "smartapp_snsapi_base",
  };
  const answer = await send(tokenUrl(emulator, params));
  return answer.json.access_token as string;
}

export const USER_QUERY = {
  open_id: "open-user-1",
  scene_id: "1571026201000",
  scene_type: "2",
  pm_app_key: DEV_APP.pmAppKey,
};

/** Calls an order-center endpoint; a query value of `undefined` leaves that parameter out. */
export function call(
  emulator: Emulator,
  name: EndpointName,
  token: string | undefined,
  body: unknown,
  query: Record<string, string | undefined> = {},
): Promise<Answer> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ access_token: token, ...USER_QUERY, ...query })) {
    if (value !== undefined) params.set(key, value);
  }
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return send(`${emulator.url}${ENDPOINTS[name].path}?${params}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw,
  });
}

/** A complete E1 item, after Baidu's doc example (contract §1.5). */
export function mainItem(resourceId: string, extra: Partial<WireOrderItem> = {}): WireOrderItem {
  return {
    CateID: 1,
    BizAPPID: APP.appKey,
    ResourceID: resourceId,
    Title: "苹果",
    Ctime: 1571026201,
    Mtime: 1571026201,
    Status: 5,
    EXT: {
      MainOrder: {
        Products: [{ ID: "1014093064", Name: "苹果", Quantity: 1, Price: 2390, PayPrice: 2390 }],
        Payment: { Method: 1, Amount: 2390, IsPayment: true },
      },
    },
    ...extra,
  };
}

export function subItem(subOrderId: string, subStatus = 401): WireSubOrderItem {
  return {
    SubOrderID: subOrderId,
    SubStatus: subStatus,
    CTime: 1571026301,
    MTime: 1571026301,
    OrderType: 1,
  };
}

/** An E4/E5/E6 item carrying after-sale orders for `resourceId`. */
export function subsItem(resourceId: string, status: number, items: object[]): WireOrderItem {
  return {
    CateID: 1,
    BizAPPID: APP.appKey,
    ResourceID: resourceId,
    EXT: { SubsOrder: { Status: status, Items: items as WireSubOrderItem[] } },
  };
}

export function rows(answer: Answer): string[] {
  return (answer.json.data as Array<{ rows_affected: string }>).map((item) => item.rows_affected);
}

/** Waits, without a timer, until `condition` holds (e.g. a request has reached the emulator). */
export async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100_000; turn += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition never held");
}
