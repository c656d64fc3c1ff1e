import { registerEnumType } from "type-graphql";

/** Order category, Baidu `CateID` (contract §2.1). */
export enum OrderCategory {
  PHYSICAL_GOODS = 1,
  VIRTUAL_GOODS = 2,
  COURIER_SERVICE = 5,
  COURIER_SERVICE_NO_AMOUNT = 6,
  ON_SITE_SERVICE = 10,
  ON_SITE_SERVICE_NO_AMOUNT = 11,
  HOTEL = 15,
  TRAVEL_TICKET = 20,
  RIDE_HAILING = 25,
  RIDE_HAILING_NO_AMOUNT = 26,
}

registerEnumType(OrderCategory, {
  name: "OrderCategory",
  description:
    "Order category, Baidu `CateID`. Main-order statuses are documented for PHYSICAL_GOODS and VIRTUAL_GOODS only.",
  valuesConfig: {
    PHYSICAL_GOODS: { description: "1 实物: physical goods" },
    VIRTUAL_GOODS: { description: "2 虚拟物品: virtual goods" },
    COURIER_SERVICE: { description: "5 快递服务类: courier service" },
    COURIER_SERVICE_NO_AMOUNT: {
      description: "6 快递服务类无金额订单: courier service without an amount",
    },
    ON_SITE_SERVICE: { description: "10 上门服务类: on-site service" },
    ON_SITE_SERVICE_NO_AMOUNT: {
      description: "11 上门服务类无金额订单: on-site service without an amount",
    },
    HOTEL: { description: "15 酒店类: hotel" },
    TRAVEL_TICKET: { description: "20 票务类: travel tickets" },
    RIDE_HAILING: { description: "25 打车类: ride hailing" },
    RIDE_HAILING_NO_AMOUNT: { description: "26 打车类无金额订单: ride hailing without an amount" },
  },
});

/** Main-order `Status` (contract §2.2); which codes are valid depends on the category. */
export enum OrderStatus {
  AWAITING_PAYMENT = 1,
  AWAITING_SELLER_CONFIRMATION = 2,
  SELLER_PROCESSING = 3,
  SELLER_CONFIRMED = 4,
  AWAITING_SHIPMENT = 5,
  AWAITING_RECEIPT = 6,
  CLOSED = 100,
  COMPLETED = 200,
  HIDDEN = 300,
}

registerEnumType(OrderStatus, {
  name: "OrderStatus",
  description:
    "Main-order status, Baidu `Status`. PHYSICAL_GOODS allows 1, 5, 6, 100, 200, 300; VIRTUAL_GOODS allows 1, 2, 3, 4, 100, 200, 300. Other categories have undocumented tables: send their raw code in `statusCode`.",
  valuesConfig: {
    AWAITING_PAYMENT: { description: "1 待付款: awaiting payment (both categories)" },
    AWAITING_SELLER_CONFIRMATION: {
      description: "2 等待卖家确认: awaiting seller confirmation (virtual goods)",
    },
    SELLER_PROCESSING: { description: "3 卖家处理中: seller processing (virtual goods)" },
    SELLER_CONFIRMED: { description: "4 卖家已确认: seller confirmed (virtual goods)" },
    AWAITING_SHIPMENT: { description: "5 等待卖家发货: paid, awaiting shipment (physical goods)" },
    AWAITING_RECEIPT: { description: "6 等待买家收货: shipped, awaiting receipt (physical goods)" },
    CLOSED: { description: "100 交易关闭: closed or cancelled (both categories)" },
    COMPLETED: { description: "200 交易完成: completed (both categories)" },
    HIDDEN: {
      description: "300: hidden from the user; Baidu's way to delete an order (both categories)",
    },
  },
});

/** The statuses Baidu documents per category (contract §2.2). */
export const STATUSES_BY_CATEGORY = new Map<OrderCategory, ReadonlySet<OrderStatus>>([
  [OrderCategory.PHYSICAL_GOODS, new Set<OrderStatus>([1, 5, 6, 100, 200, 300])],
  [OrderCategory.VIRTUAL_GOODS, new Set<OrderStatus>([1, 2, 3, 4, 100, 200, 300])],
]);

/** After-sale status, Baidu `SubsOrder.Status` and `SubStatus` (退换货枚举值, contract §2.3). */
export enum AfterSaleStatus {
  APPLIED = 400,
  PROCESSING = 401,
  REFUNDED = 402,
  EXCHANGED = 403,
  CLOSED = 404,
  REJECTED = 407,
}

registerEnumType(AfterSaleStatus, {
  name: "AfterSaleStatus",
  description:
    "After-sale status, Baidu `SubsOrder.Status` (roll-up of all items) and `Items[].SubStatus`.",
  valuesConfig: {
    APPLIED: { description: "400 申请中: the buyer applied; waiting for the seller" },
    PROCESSING: { description: "401 处理中: the seller agreed; in progress" },
    REFUNDED: { description: "402 退款成功: finished; the refund succeeded" },
    EXCHANGED: { description: "403: finished for an exchange; the buyer received the replacement" },
    CLOSED: { description: "404 已关闭: closed by the buyer or the system" },
    REJECTED: { description: "407 卖家已拒绝: the seller rejected the request" },
  },
});

/** After-sale type, Baidu `OrderType` (contract §2.4). */
export enum AfterSaleType {
  REFUND_ONLY = 1,
  EXCHANGE = 2,
  REFUND_AND_RETURN = 3,
}

registerEnumType(AfterSaleType, {
  name: "AfterSaleType",
  description: "After-sale type, Baidu `OrderType`.",
  valuesConfig: {
    REFUND_ONLY: { description: "1 仅退款: refund only" },
    EXCHANGE: { description: "2 换货: exchange" },
    REFUND_AND_RETURN: { description: "3 退款+退货: refund and return the goods" },
  },
});

/** DetailPage `Status` (contract §2.5). */
export enum DetailPageStatus {
  HIDDEN = 0,
  SHOWN = 1,
  CLICKABLE = 2,
}

registerEnumType(DetailPageStatus, {
  name: "DetailPageStatus",
  description:
    "How the Baidu App shows a link, Baidu `DetailPage.Status`. For `appraise`: HIDDEN = not reviewable or already reviewed, CLICKABLE = awaiting review.",
  valuesConfig: {
    HIDDEN: { description: "0: hidden" },
    SHOWN: { description: "1: shown, not clickable" },
    CLICKABLE: { description: "2: shown and clickable (Baidu's suggested default)" },
  },
});

/** Payment `Method` (contract §2.6). */
export enum PaymentMethod {
  ONLINE = 1,
  CASH_ON_DELIVERY = 2,
}

registerEnumType(PaymentMethod, {
  name: "PaymentMethod",
  description: "Payment method, Baidu `Payment.Method`.",
  valuesConfig: {
    ONLINE: { description: "1 在线付: online payment" },
    CASH_ON_DELIVERY: { description: "2 货到付款: cash on delivery" },
  },
});

/** Express `Type` (contract §2.7). */
export enum ExpressType {
  TO_USER = 1,
  TO_MERCHANT = 2,
}

registerEnumType(ExpressType, {
  name: "ExpressType",
  description: "Direction of a shipment, Baidu `Express.Type`.",
  valuesConfig: {
    TO_USER: { description: "1: the merchant ships to the user" },
    TO_MERCHANT: { description: "2: the user returns goods to the merchant" },
  },
});
