import { DEV_API_KEY } from "../auth/api-keys";
import { DEV_APP, DEV_OPEN_ID } from "../emulator/dev-app";

/**
 * Baidu's update/sub/info doc example as a mutation, printed at start-up and shown in the README.
 */
export const EXAMPLE_REQUEST = {
  query:
    "mutation Example($input: UpdateAfterSaleOrderInput!) { updateAfterSaleOrder(input: $input) { allApplied results { resourceId rowsAffected applied } } }",
  variables: {
    input: {
      appKey: DEV_APP.appKey,
      openId: DEV_OPEN_ID,
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
              swanSchema:
                "baiduboxapp://swan/B3GF3AWvCSr59myIs61uqaoYz7pPCSY1/wjz/bdxd/order-detail/order-detail?orderId=159259079195",
            },
            refund: { amount: 10, products: [{ productId: "1014093064", quantity: 1, amount: 0 }] },
          },
        ],
      },
    },
  },
};

/** The curl command for a terminal, as the README shows it. */
export function exampleCurl(graphqlUrl: string): string {
  return [
    `curl -s ${graphqlUrl} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -H 'authorization: Bearer ${DEV_API_KEY}' \\`,
    `  --data-binary @- <<'JSON'`,
    JSON.stringify(EXAMPLE_REQUEST, null, 2),
    `JSON`,
  ].join("\n");
}
