import type { EndpointName } from "../src/baidu/endpoints";
import type { WireBody } from "../src/baidu/wire";
import type { GatewayContext } from "../src/context";
import type { OrderWritePayload } from "../schema/payload.type";
import { given } from "./common.mapping";

/** The Baidu query-string fields every write input carries. */
interface WriteTarget {
  appKey: string;
  openId?: string | null;
  swanId?: string | null;
  sceneId?: string | null;
  sceneType: number;
  dryRun: boolean;
}

/** The one path from a mutation to Baidu: preview on a dry run, otherwise call and report per order. */
export async function write(context: GatewayContext, endpoint: EndpointName, input: WriteTarget, body: WireBody): Promise<OrderWritePayload> {
  const target = {
    appKey: input.appKey,
    openId: given(input.openId),
    swanId: given(input.swanId),
    sceneId: given(input.sceneId),
    sceneType: input.sceneType,
  };
  if (input.dryRun) {
    const preview = context.baidu.preview(endpoint, target, body);
    return {
      dryRun: true,
      results: [],
      allApplied: false,
      // Keys left undefined in the body drop out when the response is serialised, as they do on the wire.
      request: { ...preview, query: preview.query.map(([name, value]) => ({ name, value })), body: preview.body as unknown as Record<string, unknown> },
    };
  }
  const results = await context.baidu.call(endpoint, target, body);
  // An order Baidu's answer leaves out counts as not written.
  const allApplied = body.Data.every((item) => results.some((result) => result.resourceId === item.ResourceID && result.applied));
  return { dryRun: false, results, allApplied, request: null };
}
