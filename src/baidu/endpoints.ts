/**
 * Baidu's order-center endpoints as data: one line each, read by the one generic call path in
 * `client.ts` and by the emulator, so the fake and the client cannot disagree about routes.
 * Paths are those of Baidu's official SDKs and doc mirrors (contract §1.2).
 */
export interface EndpointSpec {
  readonly method: "POST";
  readonly path: string;
  /** Baidu overwrites the whole record, so a replay after an unknown outcome is harmless. */
  readonly replaySafe: boolean;
  /**
   * The request replaces what it names as a whole (the record, the main info, the statuses, the
   * after-sale info, the tracking numbers), so of two such writes to one order the newer one alone
   * leaves the same record: the ledger may coalesce them.
   */
  readonly overwrites: boolean;
  /** `scene_id` (the cashier order id) is documented as required on this endpoint. */
  readonly sceneRequired: boolean;
  /** Baidu's doc page for the endpoint. */
  readonly see: string;
}

const DOCS = "https://smartprogram.baidu.com/docs/develop/serverapi";
const PREFIX = "/rest/2.0/smartapp/ordercenter/app";

export const ENDPOINTS = {
  /**
   * E1 导入订单信息: create, or overwrite the whole record (main and after-sale info). `Data` holds
   * exactly one item.
   */
  addMainInfo: {
    method: "POST",
    path: `${PREFIX}/add/main/info`,
    replaySafe: true,
    overwrites: true,
    sceneRequired: true,
    see: `${DOCS}/order_importinfo/`,
  },
  /** E2 更新订单信息: overwrite the main-order info of an existing order. */
  updateMainInfo: {
    method: "POST",
    path: `${PREFIX}/update/main/info`,
    replaySafe: true,
    overwrites: true,
    sceneRequired: false,
    see: `${DOCS}/order_updateinfo/`,
  },
  /** E3 更新订单状态: set the status of one or more existing orders of one user. */
  updateMainStatus: {
    method: "POST",
    path: `${PREFIX}/update/main/status`,
    replaySafe: true,
    overwrites: true,
    sceneRequired: true,
    see: `${DOCS}/order_updatestat/`,
  },
  /** E4 导入售后订单信息: append after-sale orders; a replay would append twice. */
  appendSubInfo: {
    method: "POST",
    path: `${PREFIX}/append/sub/info`,
    replaySafe: false,
    overwrites: false,
    sceneRequired: true,
    see: `${DOCS}/order_importsubinfo/`,
  },
  /** E5 更新售后订单信息: the request's after-sale info replaces all stored after-sale info. */
  updateSubInfo: {
    method: "POST",
    path: `${PREFIX}/update/sub/info`,
    replaySafe: true,
    overwrites: true,
    sceneRequired: false,
    see: `${DOCS}/order_updatesubinfo/`,
  },
  /**
   * E6 更新售后订单状态: set the status of the after-sale orders it names (a partial change: never
   * coalesced).
   */
  updateSubStatus: {
    method: "POST",
    path: `${PREFIX}/update/sub/status`,
    replaySafe: true,
    overwrites: false,
    sceneRequired: false,
    see: `${DOCS}/order_updatesubstat/`,
  },
  /** E7 导入/更新订单物流信息: set the tracking numbers of an existing order (import and update alike). */
  addMainLogistics: {
    method: "POST",
    path: `${PREFIX}/add/main/logistics`,
    replaySafe: true,
    overwrites: true,
    sceneRequired: true,
    see: `${DOCS}/order_importupdate/`,
  },
} as const satisfies Record<string, EndpointSpec>;

export type EndpointName = keyof typeof ENDPOINTS;

export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[];

/** Client-credentials token endpoint (contract §4). Baidu's SDKs use GET with a query string. */
export const TOKEN_PATH = "/oauth/2.0/token";
export const TOKEN_SCOPE = "smartapp_snsapi_base";
export const TOKEN_GRANT_TYPE = "client_credentials";

/** The public host; overridable in configuration. */
export const BAIDU_BASE_URL = "https://openapi.baidu.com";
