import type { EndpointName } from "../src/baidu/endpoints";
import type { WireBody } from "../src/baidu/wire";
import type { GatewayContext } from "../src/graphql/context";
import { DeliveryRejectedError } from "../src/delivery/errors";
import { DeliveryMode } from "../schema/delivery.enums";
import type { OrderWritePayload } from "../schema/payload.type";
import { given } from "./common.mapping";
import { toDeliveryView } from "./delivery.mapping";

/** The Baidu query-string fields and delivery options every write input carries. */
interface WriteTarget {
  appKey: string;
  openId?: string | null;
  swanId?: string | null;
  sceneId?: string | null;
  sceneType: number;
  dryRun: boolean;
  idempotencyKey?: string | null;
  deliveryMode: DeliveryMode;
}

/**
 * The one path from a mutation to Baidu: on a dry run the preview; otherwise the write is committed
 * to the ledger, then delivered by the worker, and (in WAIT mode) reported with Baidu's results.
 */
export async function write(
  context: GatewayContext,
  endpoint: EndpointName,
  input: WriteTarget,
  body: WireBody,
): Promise<OrderWritePayload> {
  const target = {
    appKey: input.appKey,
    openId: given(input.openId),
    swanId: given(input.swanId),
    sceneId: given(input.sceneId),
    sceneType: input.sceneType,
  };
  const preview = context.baidu.preview(endpoint, target, body);
  if (input.dryRun) {
    return {
      dryRun: true,
      results: [],
      allApplied: false,
      // Keys left undefined in the body drop out when the response is serialised, as they do on the
      // wire.
      request: {
        ...preview,
        query: preview.query.map(([name, value]) => ({ name, value })),
        body: preview.body as unknown as Record<string, unknown>,
      },
      delivery: null,
    };
  }
  const resourceIds = body.Data.map((item) => item.ResourceID);
  const wait = input.deliveryMode === DeliveryMode.WAIT;
  const { delivery, carrier } = await context.deliveries.submit(
    {
      appKey: input.appKey,
      caller: context.caller.name,
      endpoint,
      resourceIds,
      query: preview.query,
      body: JSON.stringify(body),
      idempotencyKey: input.idempotencyKey ?? null,
    },
    wait,
  );
  if (wait && carrier.state === "FAILED" && carrier.lastError?.verdict === "REJECTED")
    throw new DeliveryRejectedError(carrier);
  const results = carrier.state === "DELIVERED" ? (carrier.results ?? []) : [];
  return {
    dryRun: false,
    results,
    allApplied:
      results.length > 0 &&
      resourceIds.every((id) =>
        results.some((result) => result.resourceId === id && result.applied),
      ),
    request: null,
    delivery: toDeliveryView(delivery),
  };
}
