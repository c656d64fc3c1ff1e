import type {
  WireBody,
  WireOptions,
  WireRefundProduct,
  WireSubOrderItem,
  WireSubsOrder,
} from "../src/baidu/wire";
import type {
  AfterSaleInput,
  AfterSaleItemInput,
  RefundProductInput,
} from "../schema/after-sale.input";
import type {
  AppendAfterSaleOrdersInput,
  UpdateAfterSaleOrderInput,
  UpdateAfterSaleOrderStatusInput,
} from "../schema/write.input";
import { toDetailPage, toPayment } from "./common.mapping";

const toRefundProduct = (product: RefundProductInput): WireRefundProduct => ({
  ID: product.productId,
  Quantity: product.quantity,
  Amount: product.amount,
});

/**
 * After-sale items carry `CTime`/`MTime` with a capital T (the main order uses `Ctime`/`Mtime`).
 */
export function toAfterSaleItem(item: AfterSaleItemInput, wire: WireOptions): WireSubOrderItem {
  return {
    SubOrderID: item.subOrderId,
    SubStatus: item.status,
    CTime: item.createdAt,
    MTime: item.updatedAt,
    OrderType: item.type,
    OrderDetail: toDetailPage(item.orderDetail, wire.detailPageStatus),
    Refund: item.refund
      ? { Amount: item.refund.amount, Product: item.refund.products.map(toRefundProduct) }
      : undefined,
    Payment: item.payment ? toPayment(item.payment) : undefined,
    Aftermarket: item.returnedProducts
      ? { Product: item.returnedProducts.map(toRefundProduct) }
      : undefined,
  };
}

export function toSubsOrder(
  afterSale: AfterSaleInput | null | undefined,
  wire: WireOptions,
): WireSubsOrder | undefined {
  if (!afterSale) return undefined;
  return {
    Status: afterSale.status,
    Items: afterSale.items.map((item) => toAfterSaleItem(item, wire)),
  };
}

/** E4 and E5 share one body: E4 appends these items, E5 replaces all after-sale info with them. */
export function toAfterSaleBody(
  input: AppendAfterSaleOrdersInput | UpdateAfterSaleOrderInput,
  wire: WireOptions,
): WireBody {
  return {
    Data: [
      {
        CateID: input.category,
        BizAPPID: input.appKey,
        ResourceID: input.resourceId,
        EXT: { SubsOrder: toSubsOrder(input.afterSale, wire) },
      },
    ],
  };
}

/** E6: items carry only `SubOrderID` and `SubStatus`; the container keeps the roll-up `Status`. */
export function toAfterSaleStatusBody(input: UpdateAfterSaleOrderStatusInput): WireBody {
  const { afterSale } = input;
  return {
    Data: [
      {
        CateID: input.category,
        BizAPPID: input.appKey,
        ResourceID: input.resourceId,
        EXT: {
          SubsOrder: {
            Status: afterSale.status,
            Items: afterSale.items.map((item) => ({
              SubOrderID: item.subOrderId,
              SubStatus: item.status,
            })),
          },
        },
      },
    ],
  };
}
