import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Max, Min } from "class-validator";
import { ENDPOINTS } from "../src/baidu/endpoints";
import type { GatewayContext } from "../src/graphql/context";
import { listDeliveries } from "../src/store/ledger-read";
import { DeliveryFilterInput } from "../schema/delivery.input";
import { Delivery, DeliveryAttempt, DeliveryConnection } from "../schema/delivery.type";
import { Order } from "../schema/ledger-order.type";
import { BaiduRequest } from "../schema/request.type";
import {
  fromCursor,
  toAttemptView,
  toCursor,
  toDeliveryView,
  toOrderView,
} from "./delivery.mapping";
import { AuthorizedField, OPERATES_DELIVERIES, READS_LEDGER } from "./auth-checker";
import { orderKey } from "../src/store/records";
import { ledgerLoaders, visibleDelivery } from "./ledger-loaders";
import { badInput, notFound } from "./ledger-errors";

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: "At most 100." })
  @Min(1)
  @Max(100)
  first!: number;

  @Field(() => String, { nullable: true, description: "The `endCursor` of the previous page." })
  after?: string | null;
}

/** Reads one page of the ledger, newest first, limited to the caller's apps. */
export async function deliveryPage(
  context: GatewayContext,
  filter: DeliveryFilterInput,
  page: PageArgs,
): Promise<DeliveryConnection> {
  const before = page.after == null ? null : fromCursor(page.after);
  if (before === undefined) throw badInput("after", "is not a cursor this gateway made");
  const visibleApps = [...context.apps.keys()].filter((appKey) => context.caller.mayActFor(appKey));
  const { deliveries, hasMore } = await listDeliveries(
    context.sql,
    {
      visibleApps,
      appKey: filter.appKey,
      resourceId: filter.resourceId,
      state: filter.state,
      since: filter.since?.getTime() ?? null,
    },
    page.first,
    before,
  );
  for (const delivery of deliveries) ledgerLoaders(context).deliveries.prime(delivery.id, delivery);
  const edges = deliveries.map((delivery) => ({
    cursor: toCursor(delivery.id),
    node: toDeliveryView(delivery),
  }));
  return { edges, pageInfo: { hasNextPage: hasMore, endCursor: edges.at(-1)?.cursor ?? null } };
}

const idOf = (id: string): number => {
  if (!/^\d{1,15}$/.test(id)) throw badInput("id", "is not a delivery id");
  return Number(id);
};

@Resolver(() => Delivery)
export class DeliveryResolver {
  @AuthorizedField("Query", READS_LEDGER)
  @Query(() => Delivery, {
    nullable: true,
    description:
      "One delivery by id; null if there is none of an app the caller may act for. Needs the role `ledger:read`.",
  })
  async delivery(
    @Arg("id", () => ID) id: string,
    @Ctx() context: GatewayContext,
  ): Promise<Delivery | null> {
    const delivery = await visibleDelivery(context, idOf(id));
    return delivery ? toDeliveryView(delivery) : null;
  }

  @AuthorizedField("Query", READS_LEDGER)
  @Query(() => DeliveryConnection, {
    description:
      "The ledger: deliveries of the apps the caller may act for, newest first. Needs the role `ledger:read`.",
  })
  deliveries(
    @Arg("filter", () => DeliveryFilterInput, { nullable: true })
    filter: DeliveryFilterInput | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() context: GatewayContext,
  ): Promise<DeliveryConnection> {
    return deliveryPage(context, filter ?? {}, page);
  }

  @AuthorizedField("Mutation", OPERATES_DELIVERIES, READS_LEDGER)
  @Mutation(() => Delivery, {
    description:
      "Sends a delivery again. A PENDING one is attempted now (its order's earlier writes still go first). A FAILED, OUTCOME_UNKNOWN or CANCELLED one is accepted again as a new delivery, queued behind every write accepted so far, and returned; `retryOf` points back. Retrying it again returns that same new delivery, whose `caller` is the one who retried. Needs the roles `deliveries:operate` and `ledger:read` (it answers with the delivery), and the delivery's app among those the caller may act for (NOT_FOUND otherwise).",
  })
  async retryDelivery(
    @Arg("id", () => ID) id: string,
    @Ctx() context: GatewayContext,
  ): Promise<Delivery> {
    const delivery = await visibleDelivery(context, idOf(id));
    if (!delivery) throw notFound();
    return toDeliveryView(await context.deliveries.retry(delivery, context.caller.name));
  }

  @AuthorizedField("Mutation", OPERATES_DELIVERIES, READS_LEDGER)
  @Mutation(() => Delivery, {
    description:
      "Cancels a PENDING delivery (waiting for its turn or its next attempt): it will not be sent. Refused while an attempt is in flight and once it has ended. Needs the roles `deliveries:operate` and `ledger:read` (it answers with the delivery), and the delivery's app among those the caller may act for (NOT_FOUND otherwise).",
  })
  async cancelDelivery(
    @Arg("id", () => ID) id: string,
    @Ctx() context: GatewayContext,
  ): Promise<Delivery> {
    const delivery = await visibleDelivery(context, idOf(id));
    if (!delivery) throw notFound();
    return toDeliveryView(await context.deliveries.cancel(delivery));
  }

  @FieldResolver(() => BaiduRequest, {
    description: "The request, exactly as sent (minus the access token, added when sending).",
  })
  request(@Root() delivery: Delivery): BaiduRequest {
    const { endpoint, query, body } = delivery.wire;
    return {
      method: "POST",
      path: ENDPOINTS[endpoint].path,
      query: query.map(([name, value]) => ({ name, value })),
      body: JSON.parse(body) as Record<string, unknown>,
    };
  }

  @FieldResolver(() => [DeliveryAttempt], { description: "Every attempt, oldest first." })
  async attempts(
    @Root() delivery: Delivery,
    @Ctx() context: GatewayContext,
  ): Promise<DeliveryAttempt[]> {
    return (await ledgerLoaders(context).attempts.load(Number(delivery.id))).map(toAttemptView);
  }

  @AuthorizedField("Delivery", READS_LEDGER)
  @FieldResolver(() => Delivery, {
    nullable: true,
    description:
      "When SUPERSEDED: the newer delivery that carried this write's content. Needs the role `ledger:read`.",
  })
  supersededBy(
    @Root() delivery: Delivery,
    @Ctx() context: GatewayContext,
  ): Promise<Delivery | null> {
    return this.linked(delivery.supersededById, context);
  }

  @AuthorizedField("Delivery", READS_LEDGER)
  @FieldResolver(() => Delivery, {
    nullable: true,
    description:
      "When made by retryDelivery: the delivery it sends again. Needs the role `ledger:read`.",
  })
  retryOf(@Root() delivery: Delivery, @Ctx() context: GatewayContext): Promise<Delivery | null> {
    return this.linked(delivery.retryOfId, context);
  }

  @AuthorizedField("Delivery", READS_LEDGER)
  @FieldResolver(() => [Order], {
    description:
      "The orders it touches, as the ledger now knows them. Needs the role `ledger:read`.",
  })
  async orders(@Root() delivery: Delivery, @Ctx() context: GatewayContext): Promise<Order[]> {
    const orders = await ledgerLoaders(context).orders.loadMany(
      delivery.resourceIds.map((resourceId) => orderKey(delivery.appKey, resourceId)),
    );
    return orders.flatMap((order) =>
      order && !(order instanceof Error) ? [toOrderView(order)] : [],
    );
  }

  private async linked(id: number | null, context: GatewayContext): Promise<Delivery | null> {
    const linked = id === null ? undefined : await ledgerLoaders(context).deliveries.load(id);
    return linked ? toDeliveryView(linked) : null;
  }
}
