import type {
  WireBody,
  WireExpress,
  WireMainOrder,
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

export function toProduct(product: ProductInput): WireProduct {
  return {
    ID: product.productId,
    Name: product.name,
    Desc: given(product.description),
    Quantity: product.quantity,
    Price: product.price,
    PayPrice: product.payPrice,
    ImgList: given(product.images),
    DetailPage: toDetailPage(product.detailPage),
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

function toMainOrder(order: OrderInfoInput): WireMainOrder {
  return {
    Products: order.products.map(toProduct),
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
 * E1: one `Data` item holding the whole order; `Ctime`/`Mtime` with a lower-case t on the main
 * order.
 */
export function toImportOrderBody(input: ImportOrderInput): WireBody {
  const { order } = input;
  const item: WireOrderItem = {
    ...toOrderHead(input.appKey, order),
    Title: order.title,
    Ctime: order.createdAt,
    Mtime: order.updatedAt,
    Status: statusCode(order),
    EXT: { MainOrder: toMainOrder(order), SubsOrder: toSubsOrder(order.afterSale) },
  };
  return { Data: [item] };
}

/** E2: no Title, Ctime or Mtime. */
export function toUpdateOrderInfoBody(input: UpdateOrderInfoInput): WireBody {
  const { order } = input;
  return {
    Data: [
      {
        ...toOrderHead(input.appKey, order),
        Status: statusCode(order),
        EXT: { MainOrder: toMainOrder(order), SubsOrder: toSubsOrder(order.afterSale) },
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
 * E7: `Express` as an array under `EXT.MainOrder`, as Baidu's Java bean sends it; Baidu's Go, PHP
 * and C#
 * SDKs send one object, and which the server accepts is open (contract §1.4.7, §6.13).
 */
export function toLogisticsBody(input: UpdateOrderLogisticsInput): WireBody {
  return {
    Data: [
      {
        CateID: input.category,
        BizAPPID: input.appKey,
        ResourceID: input.resourceId,
        EXT: { MainOrder: { Express: input.express.map(toExpress) } },
      },
    ],
  };
}
