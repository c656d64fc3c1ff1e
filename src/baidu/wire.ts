/**
 * Baidu's wire format, exactly as documented (contract §1.4, §3, §4). These names stay inside the
 * Baidu client and the emulator; schema and resolvers speak GraphQL names.
 * Money is integer fen (100 = ¥1); times are Unix seconds.
 */

/**
 * Where Baidu's docs and SDKs disagree on a field's JSON shape, which one the gateway sends
 * (docs/baidu-ordercenter.md says what each source shows). Neither choice is confirmed live.
 */
export interface WireOptions {
  /**
   * E7's `EXT.MainOrder.Express`: one object, so one tracking number a call (Baidu's Go, PHP and
   * C# SDKs, generated from the newer doc), or an array (its Java bean). Contract §1.4.7, §6.13.
   */
  expressShape: "object" | "array";
  /**
   * `DetailPage.Status` of product and after-sale links: the documented integer, or the string
   * Baidu's generated SDKs send there (`"2"`). Contract §1.4.5, §6.6.
   */
  detailPageStatus: "integer" | "string";
}

/** DetailPage: how the Baidu App jumps when the user taps an entry. */
export interface WireDetailPage {
  /** 0 hidden, 1 shown, 2 tappable; a string where `WireOptions.detailPageStatus` says so. */
  Status?: number | string;
  Name?: string;
  SwanSchema?: string;
  H5Schema?: string;
  IPhoneSchema?: string;
  AndroidSchema?: string;
}

export interface WireSkuAttr {
  Name: string;
  Value: string;
}

export interface WireProduct {
  ID: string;
  Name: string;
  Desc?: string;
  Quantity: number;
  /** Original unit price, fen. */
  Price: number;
  /** Paid unit price, fen. */
  PayPrice: number;
  ImgList?: string[];
  DetailPage?: WireDetailPage;
  SkuAttr?: WireSkuAttr[];
}

export interface WirePaymentSpecInfo {
  Name: string;
  /** fen */
  Value: number;
  Quantity: number;
}

export interface WirePayment {
  /** Unix seconds. */
  Time?: number;
  Method: number;
  /** fen */
  Amount: number;
  IsPayment: boolean;
  PreferentialInfo?: WirePaymentSpecInfo[];
  PaymentInfo?: WirePaymentSpecInfo[];
}

export interface WireExpress {
  ID: string;
  Name: string;
  Code: string;
  Type: number;
  /** Reserved; Baidu's SDKs send 0. */
  Status: number;
}

export interface WireMainOrder {
  Products?: WireProduct[];
  Payment?: WirePayment;
  Appraise?: WireDetailPage;
  OrderDetail?: WireDetailPage;
  /**
   * An array on E1 and E2, and in every record; on E7 one object or an array
   * (`WireOptions.expressShape`): read it with `expressList`.
   */
  Express?: WireExpress[] | WireExpress;
}

/** The tracking numbers of a MainOrder, whichever shape it carries them in. */
export function expressList(express: WireExpress[] | WireExpress | undefined): WireExpress[] {
  if (express === undefined) return [];
  return Array.isArray(express) ? express : [express];
}

export interface WireRefundProduct {
  ID: string;
  Quantity: number;
  /** fen */
  Amount: number;
}

export interface WireRefund {
  /** fen */
  Amount: number;
  Product: WireRefundProduct[];
}

/** After-sale item. Note `CTime`/`MTime` with a capital T (the main order uses `Ctime`/`Mtime`). */
export interface WireSubOrderItem {
  SubOrderID: string;
  SubStatus: number;
  CTime?: number;
  MTime?: number;
  OrderType?: number;
  OrderDetail?: WireDetailPage;
  Refund?: WireRefund;
  Payment?: WirePayment;
  Aftermarket?: { Product: WireRefundProduct[] };
}

export interface WireSubsOrder {
  Status: number;
  Items: WireSubOrderItem[];
}

export interface WireExt {
  MainOrder?: WireMainOrder;
  SubsOrder?: WireSubsOrder;
}

/** One `Data[]` item. */
export interface WireOrderItem {
  CateID: number;
  BizAPPID: string;
  ResourceID: string;
  Title?: string;
  Ctime?: number;
  Mtime?: number;
  Status?: number;
  EXT?: WireExt;
}

/** An order as Baidu holds it after the writes so far: its tracking numbers always an array. */
export type WireOrderRecord = WireOrderItem & {
  EXT?: WireExt & { MainOrder?: WireMainOrder & { Express?: WireExpress[] } };
};

export interface WireBody {
  Data: WireOrderItem[];
}

/**
 * Per-item result. `cate_id` and `rows_affected` arrive as strings in Baidu's example; accept
 * numbers too.
 */
export interface WireItemResult {
  biz_app_id: string;
  cate_id: string | number;
  resource_id: string;
  rows_affected: string | number;
}

/** Every layer Baidu may answer with: gateway (`error_code`), business (`errno`) and success. */
export interface WireEnvelope {
  error_code?: number;
  error_msg?: string;
  errno?: number;
  msg?: string;
  errmsg?: string;
  data?: WireItemResult[];
  request_id?: string;
}

export interface WireTokenResponse {
  access_token: string;
  /** Lifetime in seconds; not a constant, always read it. */
  expires_in: number;
  refresh_token?: string;
  scope?: string;
  session_key?: string;
  session_secret?: string;
}

/** Baidu OAuth2.0 error body (HTTP 400). */
export interface WireTokenError {
  error: string;
  error_description?: string;
}

/** Gateway `error_code` values with a meaning to us (contract §3.3). */
export const GATEWAY_CODE = {
  unknown: 1,
  unavailable: 2,
  unsupportedMethod: 3,
  requestLimit: 4,
  noPermission: 6,
  dailyLimit: 17,
  qpsLimit: 18,
  totalLimit: 19,
  invalidParameter: 100,
  tokenInvalid: 110,
  tokenExpired: 111,
} as const;

/** Business `errno` values with a meaning to us (contract §3.4, applicability inferred). */
export const ERRNO = {
  ok: 0,
  busy: [500, 501, 5000],
  paramError: 40001,
  tokenRejected: [44002, 44003, 44004],
  callLimit: 50029,
} as const;
