import { toAfterSaleItem, toAfterSaleStatusBody } from "../resolvers/after-sale.mapping";
import { given, toDetailPage } from "../resolvers/common.mapping";
import { toExpress, toUpdateOrderStatusBody } from "../resolvers/order.mapping";
import {
  AfterSaleStatus,
  AfterSaleType,
  DetailPageStatus,
  ExpressType,
  OrderCategory,
  OrderStatus,
} from "../schema/enums";
import type { AfterSaleItemInput } from "../schema/after-sale.input";
import type {
  UpdateAfterSaleOrderStatusInput,
  UpdateOrderStatusInput,
} from "../schema/write.input";

/** The mapped value as JSON sends it: keys left undefined drop out. */
const withoutUndefined = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("the pure input-to-wire mappings", () => {
  it("leaves out optional after-sale keys that were not given, and keeps the capital T of CTime/MTime", () => {
    const item = {
      subOrderId: "s1",
      status: AfterSaleStatus.APPLIED,
      type: AfterSaleType.EXCHANGE,
      createdAt: 1600000000,
      updatedAt: 1600000001,
      orderDetail: null,
    } as AfterSaleItemInput;
    expect(withoutUndefined(toAfterSaleItem(item))).toStrictEqual({
      SubOrderID: "s1",
      SubStatus: 400,
      CTime: 1600000000,
      MTime: 1600000001,
      OrderType: 2,
    });
  });

  it("maps returned goods to Aftermarket.Product and an after-sale payment to Payment", () => {
    const item = {
      subOrderId: "s1",
      status: AfterSaleStatus.PROCESSING,
      type: AfterSaleType.REFUND_AND_RETURN,
      createdAt: 1600000000,
      updatedAt: 1600000000,
      returnedProducts: [{ productId: "p", quantity: 2, amount: 300 }],
      payment: { method: 1, amount: 300, paid: false },
    } as unknown as AfterSaleItemInput;
    const wire = withoutUndefined(toAfterSaleItem(item));
    expect(wire.Aftermarket).toStrictEqual({ Product: [{ ID: "p", Quantity: 2, Amount: 300 }] });
    expect(wire.Payment).toStrictEqual({ Method: 1, Amount: 300, IsPayment: false });
  });

  it("keeps an empty name but drops a null one on a detail page", () => {
    expect(
      withoutUndefined(
        toDetailPage({ status: DetailPageStatus.HIDDEN, name: "", swanSchema: null }),
      ),
    ).toStrictEqual({ Status: 0, Name: "" });
    expect(toDetailPage(null)).toBeUndefined();
    expect(given(null)).toBeUndefined();
  });

  it("always sends the reserved Express Status as 0", () => {
    expect(
      toExpress({
        trackingNumber: "T",
        courierName: "N",
        courierCode: "C",
        type: ExpressType.TO_MERCHANT,
      }),
    ).toStrictEqual({
      ID: "T",
      Name: "N",
      Code: "C",
      Type: 2,
      Status: 0,
    });
  });

  it("sends a raw statusCode for categories without a documented status table", () => {
    const input = {
      appKey: "k",
      orders: [
        { resourceId: "r", category: OrderCategory.HOTEL, statusCode: 7 },
        {
          resourceId: "q",
          category: OrderCategory.VIRTUAL_GOODS,
          status: OrderStatus.SELLER_CONFIRMED,
        },
      ],
    } as UpdateOrderStatusInput;
    expect(toUpdateOrderStatusBody(input)).toStrictEqual({
      Data: [
        { CateID: 15, BizAPPID: "k", ResourceID: "r", Status: 7 },
        { CateID: 2, BizAPPID: "k", ResourceID: "q", Status: 4 },
      ],
    });
  });

  it("sends only SubOrderID and SubStatus per item in a status update", () => {
    const input = {
      appKey: "k",
      resourceId: "r",
      category: OrderCategory.PHYSICAL_GOODS,
      afterSale: {
        status: AfterSaleStatus.CLOSED,
        items: [{ subOrderId: "s", status: AfterSaleStatus.REJECTED }],
      },
    } as UpdateAfterSaleOrderStatusInput;
    expect(toAfterSaleStatusBody(input).Data[0]!.EXT).toStrictEqual({
      SubsOrder: { Status: 404, Items: [{ SubOrderID: "s", SubStatus: 407 }] },
    });
  });
});
