import { toAfterSaleItem, toAfterSaleStatusBody } from "../resolvers/after-sale.mapping";
import { given, toDetailPage } from "../resolvers/common.mapping";
import {
  toExpress,
  toImportOrderBody,
  toLogisticsBody,
  toUpdateOrderStatusBody,
} from "../resolvers/order.mapping";
import type { WireOptions } from "../src/baidu/wire";
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
  ImportOrderInput,
  UpdateAfterSaleOrderStatusInput,
  UpdateOrderLogisticsInput,
  UpdateOrderStatusInput,
} from "../schema/write.input";

/** The production defaults, and each of the other choices. */
const DEFAULTS: WireOptions = { expressShape: "object", detailPageStatus: "integer" };
const ARRAY: WireOptions = { ...DEFAULTS, expressShape: "array" };
const TEXT_STATUS: WireOptions = { ...DEFAULTS, detailPageStatus: "string" };

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
    expect(withoutUndefined(toAfterSaleItem(item, DEFAULTS))).toStrictEqual({
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
    const wire = withoutUndefined(toAfterSaleItem(item, DEFAULTS));
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

  const logistics = {
    appKey: "k",
    resourceId: "r",
    category: OrderCategory.PHYSICAL_GOODS,
    express: [
      { trackingNumber: "T1", courierName: "N", courierCode: "C", type: ExpressType.TO_USER },
    ],
  } as UpdateOrderLogisticsInput;
  const shipment = { ID: "T1", Name: "N", Code: "C", Type: 1, Status: 0 };

  it("sends E7's Express as one object by default, as Baidu's generated SDKs do (contract §1.4.7)", () => {
    expect(toLogisticsBody(logistics, DEFAULTS)).toStrictEqual({
      Data: [
        { CateID: 1, BizAPPID: "k", ResourceID: "r", EXT: { MainOrder: { Express: shipment } } },
      ],
    });
  });

  it("sends E7's Express as an array with expressShape array, as Baidu's Java bean does", () => {
    const two = { ...logistics, express: [...logistics.express, logistics.express[0]!] };
    expect(toLogisticsBody(two, ARRAY).Data[0]!.EXT).toStrictEqual({
      MainOrder: { Express: [shipment, shipment] },
    });
  });

  it("never drops a shipment to fit one Express object (the resolver refuses the call first)", () => {
    const two = { ...logistics, express: [...logistics.express, logistics.express[0]!] };
    expect(() => toLogisticsBody(two, DEFAULTS)).toThrow(RangeError);
  });

  const link = { status: DetailPageStatus.CLICKABLE, swanSchema: "s" };
  const order = {
    appKey: "k",
    order: {
      resourceId: "r",
      category: OrderCategory.PHYSICAL_GOODS,
      status: OrderStatus.COMPLETED,
      title: "t",
      createdAt: 1600000000,
      updatedAt: 1600000000,
      products: [
        { productId: "p", name: "n", quantity: 1, price: 1, payPrice: 1, detailPage: link },
      ],
      payment: { method: 1, amount: 1, paid: true },
      appraise: link,
      orderDetail: link,
      express: logistics.express,
      afterSale: {
        status: AfterSaleStatus.APPLIED,
        items: [
          {
            subOrderId: "s",
            status: AfterSaleStatus.APPLIED,
            type: AfterSaleType.REFUND_ONLY,
            createdAt: 1600000000,
            updatedAt: 1600000000,
            orderDetail: link,
          },
        ],
      },
    },
  } as unknown as ImportOrderInput;

  it("sends DetailPage.Status as the documented integer by default, and an import's Express as an array either way", () => {
    for (const wire of [DEFAULTS, ARRAY]) {
      const { MainOrder, SubsOrder } = toImportOrderBody(order, wire).Data[0]!.EXT!;
      expect([
        MainOrder!.Products![0]!.DetailPage!.Status,
        MainOrder!.Appraise!.Status,
        MainOrder!.OrderDetail!.Status,
        SubsOrder!.Items[0]!.OrderDetail!.Status,
        MainOrder!.Express,
      ]).toStrictEqual([2, 2, 2, 2, [shipment]]);
    }
  });

  it("sends product and after-sale links' Status as text with detailPageStatus string, as Baidu's generated SDKs do (contract §1.4.5)", () => {
    const { MainOrder, SubsOrder } = toImportOrderBody(order, TEXT_STATUS).Data[0]!.EXT!;
    expect([
      MainOrder!.Products![0]!.DetailPage!.Status,
      SubsOrder!.Items[0]!.OrderDetail!.Status,
      MainOrder!.Appraise!.Status,
      MainOrder!.OrderDetail!.Status,
    ]).toStrictEqual(["2", "2", 2, 2]);
  });
});
