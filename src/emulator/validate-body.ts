import type { EndpointName } from "../baidu/endpoints";
import type { WireOptions, WireOrderItem } from "../baidu/wire";
import { isJsonObject, type JsonObject } from "../lib/json-object";
import { need, ParamError } from "./param-error";

function int(o: JsonObject, key: string, at: string): void {
  need(Number.isInteger(o[key]), `${at}.${key}`);
}

function str(o: JsonObject, key: string, at: string): void {
  need(typeof o[key] === "string" && o[key] !== "", `${at}.${key}`);
}

function obj(o: JsonObject, key: string, at: string): JsonObject {
  need(isJsonObject(o[key]), `${at}.${key}`);
  return o[key] as JsonObject;
}

/** Each element of the array `o[key]` must be an object passing `check`. */
function each(
  o: JsonObject,
  key: string,
  at: string,
  check: (el: JsonObject, at: string) => void,
): void {
  const list = o[key];
  need(Array.isArray(list), `${at}.${key}`);
  (list as unknown[]).forEach((el, i) => {
    const elAt = `${at}.${key}[${i}]`;
    need(isJsonObject(el), elAt);
    check(el as JsonObject, elAt);
  });
}

function mainOrder(ext: JsonObject, at: string): void {
  const main = obj(ext, "MainOrder", at);
  each(main, "Products", `${at}.MainOrder`, () => {});
  obj(main, "Payment", `${at}.MainOrder`);
}

function fullSubItem(sub: JsonObject, at: string): void {
  str(sub, "SubOrderID", at);
  for (const key of ["SubStatus", "CTime", "MTime", "OrderType"]) int(sub, key, at);
}

function statusSubItem(sub: JsonObject, at: string): void {
  str(sub, "SubOrderID", at);
  int(sub, "SubStatus", at);
}

function subsOrder(ext: JsonObject, at: string, item: (sub: JsonObject, at: string) => void): void {
  const subs = obj(ext, "SubsOrder", at);
  int(subs, "Status", `${at}.SubsOrder`);
  each(subs, "Items", `${at}.SubsOrder`, item);
}

function express(express: JsonObject, at: string): void {
  for (const key of ["ID", "Name", "Code"]) str(express, key, at);
  int(express, "Type", at);
}

/**
 * What the emulator takes beyond what every call must carry. Baidu's server may take either shape
 * of E7's `Express` (contract §1.4.7, §6.13), so both pass unless one is required here.
 */
export interface BodyRules {
  /** The only shape of E7's `EXT.MainOrder.Express` accepted; undefined: both. */
  expressShape?: WireOptions["expressShape"];
}

/**
 * E7's tracking numbers: one object (Baidu's Go, PHP and C# SDKs) or an array of them (its Java
 * bean).
 */
function logistics(main: JsonObject, at: string, rules: BodyRules): void {
  const value = main.Express;
  const shape = Array.isArray(value) ? "array" : isJsonObject(value) ? "object" : undefined;
  need(shape !== undefined, `${at}.Express`);
  if (rules.expressShape && shape !== rules.expressShape)
    throw new ParamError(
      `${at}.Express`,
      `must be ${rules.expressShape === "object" ? "one object" : "an array"} (this emulator requires that shape)`,
    );
  if (shape === "object") express(value as JsonObject, `${at}.Express`);
  else each(main, "Express", at, express);
}

type ItemCheck = (item: JsonObject, at: string, rules: BodyRules) => void;

/**
 * Per-endpoint required fields (contract §1.4);
 * CateID, BizAPPID and ResourceID are checked for all.
 */
const ITEM_CHECKS: Record<EndpointName, ItemCheck> = {
  addMainInfo(item, at) {
    str(item, "Title", at);
    for (const key of ["Ctime", "Mtime", "Status"]) int(item, key, at);
    const ext = obj(item, "EXT", at);
    mainOrder(ext, `${at}.EXT`);
    if (ext.SubsOrder !== undefined) subsOrder(ext, `${at}.EXT`, fullSubItem);
  },
  updateMainInfo(item, at) {
    int(item, "Status", at);
    const ext = obj(item, "EXT", at);
    mainOrder(ext, `${at}.EXT`);
    if (ext.SubsOrder !== undefined) subsOrder(ext, `${at}.EXT`, fullSubItem);
  },
  updateMainStatus(item, at) {
    int(item, "Status", at);
  },
  appendSubInfo(item, at) {
    subsOrder(obj(item, "EXT", at), `${at}.EXT`, fullSubItem);
  },
  updateSubInfo(item, at) {
    subsOrder(obj(item, "EXT", at), `${at}.EXT`, fullSubItem);
  },
  updateSubStatus(item, at) {
    subsOrder(obj(item, "EXT", at), `${at}.EXT`, statusSubItem);
  },
  addMainLogistics(item, at, rules) {
    const main = obj(obj(item, "EXT", at), "MainOrder", `${at}.EXT`);
    logistics(main, `${at}.EXT.MainOrder`, rules);
  },
};

/**
 * Checks a whole request body before anything is stored, so a broken request changes nothing.
 * `appKey` is the key of the app the access token was issued to. Throws ParamError.
 */
export function checkBody(
  name: EndpointName,
  body: unknown,
  appKey: string,
  rules: BodyRules = {},
): WireOrderItem[] {
  need(
    isJsonObject(body) && Array.isArray(body.Data) && body.Data.length > 0,
    "Data",
    "must be a non-empty array",
  );
  const data = (body as { Data: unknown[] }).Data;
  // Batch import is not supported on E1 (contract §1.3).
  if (name === "addMainInfo") need(data.length === 1, "Data", "must hold exactly one item");
  data.forEach((item, i) => {
    const at = `Data[${i}]`;
    need(isJsonObject(item), at);
    const o = item as JsonObject;
    int(o, "CateID", at);
    str(o, "BizAPPID", at);
    str(o, "ResourceID", at);
    if (o.BizAPPID !== appKey)
      throw new ParamError(`${at}.BizAPPID`, "does not match the app of the access token");
    ITEM_CHECKS[name](o, at, rules);
  });
  return data as WireOrderItem[];
}
