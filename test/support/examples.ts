import type {
  AppendAfterSaleOrdersInput,
  ImportOrderInput,
  UpdateAfterSaleOrderInput,
  UpdateAfterSaleOrderStatusInput,
  UpdateOrderInfoInput,
  UpdateOrderLogisticsInput,
  UpdateOrderStatusInput,
  AfterSaleInput,
  DetailPageInput,
  OrderInfoInput,
} from "../generated/graphql";
import type { Emulator } from "../../src/emulator/server";
import { SHOP } from "./harness";

/**
 * Each mutation's input for the example bodies of contract §1.5 (docs/baidu-ordercenter.md), with
 * their `<APPKEY>` placeholder filled in with the test app's key, and the body Baidu should get.
 */
const K = SHOP.appKey;
const user = { appKey: K, openId: "open-id-of-the-buyer", sceneId: "159259079195" };

const orderDetail: DetailPageInput = {
  status: "CLICKABLE",
  swanSchema: `baiduboxapp://swan/${K}/pages/order?id=2221554346520`,
};
const productDetail: DetailPageInput = {
  status: "CLICKABLE",
  swanSchema: `baiduboxapp://swan/${K}/pages/item?id=1014093064`,
};
const refundDetail: DetailPageInput = {
  status: "CLICKABLE",
  name: "",
  swanSchema: `baiduboxapp://swan/${K}/pages/refund?id=onlyOne`,
};

const orderInfo: OrderInfoInput = {
  resourceId: "2221554346520",
  category: "PHYSICAL_GOODS",
  status: "COMPLETED",
  products: [
    {
      productId: "1014093064",
      name: "苹果",
      description: "5斤装",
      quantity: 1,
      price: 2390,
      payPrice: 2390,
      images: ["https://example.invalid/a.jpeg"],
      detailPage: productDetail,
      skuAttrs: [{ name: "规格", value: "5斤" }],
    },
  ],
  payment: {
    paidAt: 1571026201,
    method: "ONLINE",
    amount: 2390,
    paid: true,
    discounts: [{ name: "优惠券使用", value: 100, quantity: 1 }],
    charges: [{ name: "运费", value: 100, quantity: 1 }],
  },
  appraise: { status: "HIDDEN", swanSchema: "" },
  orderDetail,
};

export const importOrderInput: ImportOrderInput = {
  ...user,
  order: { ...orderInfo, title: "test", createdAt: 1571026201, updatedAt: 1571026201 },
};

const mainOrderWire = {
  Products: [
    {
      ID: "1014093064",
      Name: "苹果",
      Desc: "5斤装",
      Quantity: 1,
      Price: 2390,
      PayPrice: 2390,
      ImgList: ["https://example.invalid/a.jpeg"],
      DetailPage: { Status: 2, SwanSchema: `baiduboxapp://swan/${K}/pages/item?id=1014093064` },
      SkuAttr: [{ Name: "规格", Value: "5斤" }],
    },
  ],
  Payment: {
    Time: 1571026201,
    Method: 1,
    Amount: 2390,
    IsPayment: true,
    PreferentialInfo: [{ Name: "优惠券使用", Value: 100, Quantity: 1 }],
    PaymentInfo: [{ Name: "运费", Value: 100, Quantity: 1 }],
  },
  Appraise: { Status: 0, SwanSchema: "" },
  OrderDetail: { Status: 2, SwanSchema: `baiduboxapp://swan/${K}/pages/order?id=2221554346520` },
};

/** contract §1.5, E1: a completed physical-goods order. */
export const importOrderBody = {
  Data: [
    {
      CateID: 1,
      BizAPPID: K,
      Title: "test",
      ResourceID: "2221554346520",
      Ctime: 1571026201,
      Mtime: 1571026201,
      Status: 200,
      EXT: { MainOrder: mainOrderWire },
    },
  ],
};

export const updateOrderInfoInput: UpdateOrderInfoInput = { ...user, order: orderInfo };

/**
 * E2 has no example of its own (contract §1.5): E1's item without Title, Ctime and Mtime (contract
 * §1.4.1).
 */
export const updateOrderInfoBody = {
  Data: [
    {
      CateID: 1,
      BizAPPID: K,
      ResourceID: "2221554346520",
      Status: 200,
      EXT: { MainOrder: mainOrderWire },
    },
  ],
};

export const updateOrderStatusInput: UpdateOrderStatusInput = {
  ...user,
  orders: [
    { resourceId: "2221554346520", category: "VIRTUAL_GOODS", status: "COMPLETED" },
    { resourceId: "3221554346520", category: "VIRTUAL_GOODS", status: "COMPLETED" },
  ],
};

/** contract §1.5, E3: two orders in one call. */
export const updateOrderStatusBody = {
  Data: [
    { CateID: 2, BizAPPID: K, ResourceID: "2221554346520", Status: 200 },
    { CateID: 2, BizAPPID: K, ResourceID: "3221554346520", Status: 200 },
  ],
};

const afterSale: AfterSaleInput = {
  status: "PROCESSING",
  items: [
    {
      subOrderId: "onlyOne",
      status: "PROCESSING",
      createdAt: 1571026201,
      updatedAt: 1571026201,
      type: "REFUND_ONLY",
      orderDetail: refundDetail,
      refund: { amount: 10, products: [{ productId: "1014093064", quantity: 1, amount: 10 }] },
    },
  ],
};

export const appendAfterSaleOrdersInput: AppendAfterSaleOrdersInput = {
  ...user,
  resourceId: "2221554346520",
  category: "VIRTUAL_GOODS",
  afterSale,
};
export const updateAfterSaleOrderInput: UpdateAfterSaleOrderInput = {
  ...user,
  resourceId: "2221554346520",
  category: "VIRTUAL_GOODS",
  afterSale,
};

/** contract §1.5, E4 and E5: one body, appended by E4, replacing all after-sale info on E5. */
export const afterSaleBody = {
  Data: [
    {
      CateID: 2,
      BizAPPID: K,
      ResourceID: "2221554346520",
      EXT: {
        SubsOrder: {
          Status: 401,
          Items: [
            {
              SubOrderID: "onlyOne",
              SubStatus: 401,
              CTime: 1571026201,
              MTime: 1571026201,
              OrderType: 1,
              OrderDetail: {
                Status: 2,
                Name: "",
                SwanSchema: `baiduboxapp://swan/${K}/pages/refund?id=onlyOne`,
              },
              Refund: { Amount: 10, Product: [{ ID: "1014093064", Quantity: 1, Amount: 10 }] },
            },
          ],
        },
      },
    },
  ],
};

export const updateAfterSaleOrderStatusInput: UpdateAfterSaleOrderStatusInput = {
  ...user,
  resourceId: "2221554346520",
  category: "VIRTUAL_GOODS",
  afterSale: { status: "REFUNDED", items: [{ subOrderId: "onlyOne", status: "REFUNDED" }] },
};

/** contract §1.5, E6. */
export const afterSaleStatusBody = {
  Data: [
    {
      CateID: 2,
      BizAPPID: K,
      ResourceID: "2221554346520",
      EXT: { SubsOrder: { Status: 402, Items: [{ SubOrderID: "onlyOne", SubStatus: 402 }] } },
    },
  ],
};

export const updateOrderLogisticsInput: UpdateOrderLogisticsInput = {
  ...user,
  resourceId: "2221554346520",
  category: "PHYSICAL_GOODS",
  express: [
    {
      trackingNumber: "SF1234567890",
      courierName: "顺丰快递",
      courierCode: "SFEXPRESS",
      type: "TO_USER",
    },
  ],
};

const shipment = { ID: "SF1234567890", Name: "顺丰快递", Code: "SFEXPRESS", Type: 1, Status: 0 };

/**
 * contract §1.5, E7, as the gateway sends it by default: `Express` one object, as Baidu's Go, PHP
 * and C# SDKs send it (contract §1.4.7).
 */
export const logisticsBody = {
  Data: [
    {
      CateID: 1,
      BizAPPID: K,
      ResourceID: "2221554346520",
      EXT: { MainOrder: { Express: shipment } },
    },
  ],
};

/** The same with `baidu.logistics.expressShape: "array"`, as Baidu's Java bean sends it. */
export const logisticsArrayBody = {
  Data: [{ ...logisticsBody.Data[0]!, EXT: { MainOrder: { Express: [shipment] } } }],
};

/** The query string every example call sends, the token aside (contract §1.5). */
export const exampleQuery = {
  open_id: "open-id-of-the-buyer",
  scene_id: "159259079195",
  scene_type: "2",
  pm_app_key: SHOP.pmAppKey,
};

/**
 * The example order (and, if asked, its after-sale order "onlyOne"), created in the emulator's
 * store directly, so that the only calls the emulator counts are the test's own.
 */
export function seedExampleOrders(
  emulator: Emulator,
  options: { afterSale: boolean; resourceIds?: readonly string[] },
): void {
  const [order] = importOrderBody.Data;
  const SubsOrder = afterSaleBody.Data[0]!.EXT.SubsOrder;
  for (const ResourceID of options.resourceIds ?? ["2221554346520"]) {
    emulator.store.addMainInfo(
      {
        ...order!,
        ResourceID,
        EXT: { ...order!.EXT, ...(options.afterSale ? { SubsOrder } : {}) },
      },
      { openId: user.openId },
    );
  }
}
