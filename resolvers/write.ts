import { ValidationError } from "class-validator";
import { ArgumentValidationError } from "type-graphql";
import type { CallTarget } from "../src/baidu/client";
import type { EndpointName } from "../src/baidu/endpoints";
import type { WireBody } from "../src/baidu/wire";
import type { GatewayContext } from "../src/graphql/context";
import { DeliveryRejectedError } from "../src/delivery/errors";
import { DeliveryMode } from "../schema/delivery.enums";
import type { OrderWritePayload } from "../schema/payload.type";
import { toDeliveryView } from "./delivery.mapping";
import { toCallTarget, type ImportedOrder, type TargetFields } from "./target.mapping";

/** The Baidu query-string fields and delivery options every write input carries. */
interface WriteTarget extends TargetFields {
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
  const target = await resolveTarget(context, endpoint, input, body);
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

/**
 * The query string, with the ids the write leaves out taken from its orders' import (E1 itself
 * names them all); refused like any other invalid input when they do not fit.
 */
async function resolveTarget(
  context: GatewayContext,
  endpoint: EndpointName,
  input: TargetFields,
  body: WireBody,
): Promise<CallTarget> {
  const imported: ImportedOrder[] = [];
  const unimported: string[] = [];
  if (endpoint !== "addMainInfo") {
    const ids = await context.deliveries.importedIds(
      input.appKey,
      body.Data.map((item) => item.ResourceID),
    );
    body.Data.forEach((item, index) => {
      const found = ids.get(item.ResourceID);
      const label = body.Data.length > 1 ? `input.orders[${index}]` : "the order";
      if (found) imported.push({ label, ids: found });
      else unimported.push(label);
    });
  }
  const { target, problems } = toCallTarget(endpoint, input, imported, unimported);
  if (problems.length > 0)
    throw new ArgumentValidationError(
      problems.map(({ field, message }) =>
        Object.assign(new ValidationError(), {
          property: field,
          constraints: { importedIds: message },
          children: [],
        }),
      ),
    );
  return target;
}
