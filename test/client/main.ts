import {
  AppsDocument,
  CancelDeliveryDocument,
  DeliveriesDocument,
  DeliveryDocument,
  errorCode,
  findError,
  OrderDocument,
  UpdateAfterSaleOrderDocument,
  UpdateOrderStatusDocument,
  type UpdateAfterSaleOrderInput,
} from "./gateway-client.js";
import { request } from "./request.js";

/**
 * A small client of the gateway: `node main.js <graphql url> <api key> <app key>` sends a write,
 * reads the order and its delivery back, lists the apps, and makes three calls the gateway refuses;
 * it prints what it got as one JSON object.
 */
async function main(url: string, key: string, appKey: string): Promise<void> {
  const input: UpdateAfterSaleOrderInput = {
    appKey,
    openId: "open-id-of-the-buyer",
    sceneId: "159259079195",
    resourceId: "2221554346520",
    category: "VIRTUAL_GOODS",
    afterSale: {
      status: "PROCESSING",
      items: [
        {
          subOrderId: "onlyOne",
          status: "PROCESSING",
          type: "REFUND_ONLY",
          createdAt: 1571026201,
          updatedAt: 1571026201,
          orderDetail: {
            status: "CLICKABLE",
            name: "",
            swanSchema: `baiduboxapp://swan/${appKey}/pages/refund?id=onlyOne`,
          },
          refund: { amount: 10, products: [{ productId: "1014093064", quantity: 1, amount: 10 }] },
        },
      ],
    },
  };
  const write = await request(url, key, UpdateAfterSaleOrderDocument, { input });
  const order = await request(url, key, OrderDocument, { appKey, resourceId: "2221554346520" });
  const apps = await request(url, key, AppsDocument, {});
  const invalid = await request(url, key, UpdateOrderStatusDocument, {
    input: {
      appKey,
      openId: "open-id-of-the-buyer",
      sceneId: "159259079195",
      orders: [{ resourceId: " 2221554346520", category: "VIRTUAL_GOODS", status: "COMPLETED" }],
    },
  });
  const anonymous = await request(url, undefined, AppsDocument, {});
  const id = write.data?.updateAfterSaleOrder.delivery?.id ?? "";
  const delivery = await request(url, key, DeliveryDocument, { id });
  const deliveries = await request(url, key, DeliveriesDocument, {
    filter: { resourceId: "2221554346520" },
    first: 100,
  });
  const cancel = await request(url, key, CancelDeliveryDocument, { id });
  const badInput = findError(invalid.errors, "BAD_USER_INPUT");
  const conflict = findError(cancel.errors, "DELIVERY_STATE_CONFLICT");
  const report = {
    write: write.data?.updateAfterSaleOrder,
    // A number, as UnixSeconds is typed: `toFixed` would not compile on a string.
    sentCreatedAt: input.afterSale.items[0]?.createdAt.toFixed(0),
    order: order.data?.order,
    apps: apps.data?.apps.map((app) => app.appKey),
    invalid: { code: badInput?.extensions.code, violations: badInput?.extensions.violations },
    anonymous: { status: anonymous.status, code: anonymous.errors?.map(errorCode) },
    ledger: {
      attempts: delivery.data?.delivery?.attempts.map(({ number, outcome }) => [number, outcome]),
      sentTo: delivery.data?.delivery?.request.path,
      listed: deliveries.data?.deliveries.edges.map(({ node }) => [node.id, node.state]),
      cancel: conflict && {
        code: conflict.extensions.code,
        deliveryId: conflict.extensions.deliveryId,
        state: conflict.extensions.state,
      },
    },
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

const [url, key, appKey] = process.argv.slice(2);
if (!url || !key || !appKey) {
  process.stderr.write("usage: node main.js <graphql url> <api key> <app key>\n");
  process.exitCode = 2;
} else {
  main(url, key, appKey).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
