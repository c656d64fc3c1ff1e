import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { RESTDataSource } from "@apollo/datasource-rest";
import { GraphQLError } from "graphql";

/**
 * The benchmark's anchor: what a merchant writes instead of this gateway, by the Apollo Server 5
 * and `@apollo/datasource-rest` docs' own pattern: a schema in SDL, one resolver, a REST data
 * source per request sharing the server's cache, a token fetched once and kept until it expires.
 * No input validation beyond GraphQL's types, no ledger, no retries, no auth: the cheapest honest
 * way to send Baidu's update/sub/info (E5) from a GraphQL mutation. It reads only the bench's
 * variables: ANCHOR_PORT, BAIDU_BASE_URL, BAIDU_APP_KEY, BAIDU_APP_SECRET, BAIDU_PM_APP_KEY.
 */
const typeDefs = `#graphql
  enum OrderCategory { PHYSICAL_GOODS VIRTUAL_GOODS }
  enum AfterSaleStatus { APPLIED PROCESSING REFUNDED EXCHANGED CLOSED REJECTED }
  enum AfterSaleType { REFUND_ONLY EXCHANGE REFUND_AND_RETURN }
  enum DetailPageStatus { HIDDEN SHOWN CLICKABLE }

  input DetailPageInput { status: DetailPageStatus!, name: String, swanSchema: String! }
  input RefundProductInput { productId: String!, quantity: Int!, amount: Int! }
  input RefundInput { amount: Int!, products: [RefundProductInput!]! }
  input AfterSaleItemInput {
    subOrderId: String!
    status: AfterSaleStatus!
    type: AfterSaleType!
    createdAt: Int!
    updatedAt: Int!
    orderDetail: DetailPageInput!
    refund: RefundInput
  }
  input AfterSaleInput { status: AfterSaleStatus!, items: [AfterSaleItemInput!]! }
  input UpdateAfterSaleOrderInput {
    appKey: String!
    openId: String!
    resourceId: String!
    category: OrderCategory!
    afterSale: AfterSaleInput!
  }

  type ItemResult { resourceId: String!, rowsAffected: Int!, applied: Boolean! }
  type UpdateAfterSaleOrderPayload { allApplied: Boolean!, results: [ItemResult!]! }

  type Query { ok: Boolean! }
  type Mutation { updateAfterSaleOrder(input: UpdateAfterSaleOrderInput!): UpdateAfterSaleOrderPayload! }
`;

interface AfterSaleItem {
  subOrderId: string;
  status: number;
  type: number;
  createdAt: number;
  updatedAt: number;
  orderDetail: { status: number; name?: string; swanSchema: string };
  refund?: {
    amount: number;
    products: Array<{ productId: string; quantity: number; amount: number }>;
  };
}

interface UpdateAfterSaleOrderInput {
  appKey: string;
  openId: string;
  resourceId: string;
  category: number;
  afterSale: { status: number; items: AfterSaleItem[] };
}

/** Baidu answers business errors with HTTP 200 and a non-zero `errno`; `rows_affected` is text. */
interface BaiduAnswer {
  errno: number;
  msg: string;
  data?: Array<{ resource_id: string; rows_affected: string }>;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const app = {
  appKey: env("BAIDU_APP_KEY"),
  appSecret: env("BAIDU_APP_SECRET"),
  pmAppKey: env("BAIDU_PM_APP_KEY"),
};

/** The token, shared by every request until a minute before it expires. */
let token: { value: Promise<string>; refreshAt: number } | undefined;

class OrderCenterAPI extends RESTDataSource {
  override baseURL = env("BAIDU_BASE_URL");

  private async accessToken(): Promise<string> {
    if (!token || Date.now() >= token.refreshAt) {
      const value = this.get<{ access_token: string; expires_in: number }>("/oauth/2.0/token", {
        params: {
          grant_type: "client_credentials",
          client_id: app.appKey,
          client_secret: app.appSecret,
          scope: "smartapp_snsapi_base",
        },
      }).then((answer) => {
        token = { value, refreshAt: Date.now() + (answer.expires_in - 60) * 1000 };
        return answer.access_token;
      });
      token = { value, refreshAt: Infinity };
      value.catch(() => (token = undefined));
    }
    return token.value;
  }

  async updateSubInfo(openId: string, item: object): Promise<BaiduAnswer> {
    const answer = await this.post<BaiduAnswer>(
      "/rest/2.0/smartapp/ordercenter/app/update/sub/info",
      {
        params: {
          access_token: await this.accessToken(),
          open_id: openId,
          scene_type: "2",
          pm_app_key: app.pmAppKey,
        },
        body: { Data: [item] },
      },
    );
    if (answer.errno !== 0) throw new GraphQLError(`Baidu: ${answer.msg} (errno ${answer.errno})`);
    return answer;
  }
}

interface Context {
  dataSources: { orderCenter: OrderCenterAPI };
}

const resolvers = {
  // GraphQL enum names to Baidu's codes.
  OrderCategory: { PHYSICAL_GOODS: 1, VIRTUAL_GOODS: 2 },
  AfterSaleStatus: {
    APPLIED: 400,
    PROCESSING: 401,
    REFUNDED: 402,
    EXCHANGED: 403,
    CLOSED: 404,
    REJECTED: 407,
  },
  AfterSaleType: { REFUND_ONLY: 1, EXCHANGE: 2, REFUND_AND_RETURN: 3 },
  DetailPageStatus: { HIDDEN: 0, SHOWN: 1, CLICKABLE: 2 },
  Query: { ok: () => true },
  Mutation: {
    async updateAfterSaleOrder(
      _: unknown,
      { input }: { input: UpdateAfterSaleOrderInput },
      { dataSources }: Context,
    ) {
      const answer = await dataSources.orderCenter.updateSubInfo(input.openId, {
        CateID: input.category,
        BizAPPID: input.appKey,
        ResourceID: input.resourceId,
        EXT: {
          SubsOrder: {
            Status: input.afterSale.status,
            Items: input.afterSale.items.map((item) => ({
              SubOrderID: item.subOrderId,
              SubStatus: item.status,
              CTime: item.createdAt,
              MTime: item.updatedAt,
              OrderDetail: {
                Status: item.orderDetail.status,
                Name: item.orderDetail.name ?? "",
                SwanSchema: item.orderDetail.swanSchema,
              },
              Refund: item.refund && {
                Amount: item.refund.amount,
                Product: item.refund.products.map((product) => ({
                  ID: product.productId,
                  Quantity: product.quantity,
                  Amount: product.amount,
                })),
              },
              OrderType: item.type,
            })),
          },
        },
      });
      const results = (answer.data ?? []).map((row) => ({
        resourceId: row.resource_id,
        rowsAffected: Number(row.rows_affected),
        applied: Number(row.rows_affected) > 0,
      }));
      return { allApplied: results.every((result) => result.applied), results };
    },
  },
};

async function main(): Promise<void> {
  const server = new ApolloServer<Context>({ typeDefs, resolvers });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port: Number(env("ANCHOR_PORT")) },
    context: async () => ({
      dataSources: { orderCenter: new OrderCenterAPI({ cache: server.cache }) },
    }),
  });
  process.stdout.write(`anchor ready at ${url}\n`);
  process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
