import type {
  WireBody,
  WireExpress,
  WireMainOrder,
  WireOptions,
  WireOrderItem,
  WireProduct,
} from "../src/baidu/wire";
import type { ExpressInput } from "../schema/express.input";
import type { OrderInfoInput, OrderStatusChangeInput } from "../schema/order.input";
import type { ProductInput } from "../schema/product.input";
import type {
  ImportOrderInput,
  UpdateOrderInfoInput,
  UpdateOrderLogisticsInput,
  UpdateOrderStatusInput,
} from "../schema/write.input";
import { toSubsOrder } from "./after-sale.mapping";
import { given, toDetailPage, toPayment } from "./common.mapping";

export function toProduct(product: ProductInput, wire: WireOptions): WireProduct {
  return {
    ID: product.productId,
    Name: product.name,
    Desc: given(product.description),
    Quantity: product.quantity,
    Price: product.price,
    PayPrice: product.payPrice,
    ImgList: given(product.images),
    DetailPage: toDetailPage(product.detailPage, wire.detailPageStatus),
    SkuAttr: product.skuAttrs?.map((attr) => ({ Name: attr.name, Value: attr.value })),
  };
}

/** `Status` is reserved and always 0, as Baidu's SDKs send it. */
export const toExpress = (express: ExpressInput): WireExpress => ({
  ID: express.trackingNumber,
  Name: express.courierName,
  Code: express.courierCode,
  Type: express.type,
  Status: 0,
});

/** E1 and E2 carry tracking numbers as an array, as the 2020 doc and the Java bean do (§6.5). */
function toMainOrder(order: OrderInfoInput, wire: WireOptions): WireMainOrder {
  return {
    Products: order.products.map((product) => toProduct(product, wire)),
    Payment: toPayment(order.payment),
    Appraise: toDetailPage(order.appraise),
    OrderDetail: toDetailPage(order.orderDetail),
    Express: order.express?.map(toExpress),
  };
}

const statusCode = (order: OrderStatusChangeInput): number =>
  (order.status ?? order.statusCode) as number;

function toOrderHead(appKey: string, order: OrderStatusChangeInput): WireOrderItem {
  return { CateID: order.category, BizAPPID: appKey, ResourceID: order.resourceId };
}

/**
 * E1: one `Data` item holding the whole order;
 * `Ctime`/`Mtime` with a lower-case t on the main order.
 */
export function toImportOrderBody(input: ImportOrderInput, wire: WireOptions): WireBody {
  const { order } = input;
  const item: WireOrderItem = {
    ...toOrderHead(input.appKey, order),
    Title: order.title,
    Ctime: order.createdAt,
    Mtime: order.updatedAt,
    Status: statusCode(order),
    EXT: { MainOrder: toMainOrder(order, wire), SubsOrder: toSubsOrder(order.afterSale, wire) },
  };
  return { Data: [item] };
}

/** E2: no Title, Ctime or Mtime. */
export function toUpdateOrderInfoBody(input: UpdateOrderInfoInput, wire: WireOptions): WireBody {
  const { order } = input;
  return {
    Data: [
      {
        ...toOrderHead(input.appKey, order),
        Status: statusCode(order),
        EXT: {
          MainOrder: toMainOrder(order, wire),
          SubsOrder: toSubsOrder(order.afterSale, wire),
        },
      },
    ],
  };
}

/** E3: one `Data` item per order, status only. */
export function toUpdateOrderStatusBody(input: UpdateOrderStatusInput): WireBody {
  return {
    Data: input.orders.map((order) => ({
      ...toOrderHead(input.appKey, order),
      Status: statusCode(order),
    })),
  };
}

/**
 * E7: `EXT.MainOrder.Express` as one object, as Baidu's Go, PHP and C# SDKs send it, or as an
 * array, as its Java bean does; which the server takes is open (contract §1.4.7, §6.13). The
 * resolver has refused more than one shipment for the object.
 */
export function toLogisticsBody(input: UpdateOrderLogisticsInput, wire: WireOptions): WireBody {
  const shipments = input.express.map(toExpress);
  if (wire.expressShape === "object" && shipments.length !== 1)
    throw new RangeError("One Express object carries exactly one shipment");
  return {
    Data: [
      {
        CateID: input.category,
        BizAPPID: input.appKey,
        ResourceID: input.resourceId,
        EXT: { MainOrder: { Express: wire.expressShape === "object" ? shipments[0] : shipments } },
      },
    ],
  };
}
