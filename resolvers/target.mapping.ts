import type { CallTarget } from "../src/baidu/client";
import { ENDPOINTS, type EndpointName } from "../src/baidu/endpoints";
import type { ImportedIds } from "../src/store/ledger-ids";

/** The query-string fields of a write's input, as validated. */
export interface TargetFields {
  appKey: string;
  openId?: string | null;
  swanId?: string | null;
  sceneId?: string | null;
  sceneType?: number | null;
}

/** An order of the write whose import the ledger holds, and how a message names it. */
export interface ImportedOrder {
  /** "the order", or the input path of one order of a batch (`input.orders[1]`). */
  label: string;
  ids: ImportedIds;
}

/** A broken rule: the input field and what is wrong with it, never the value. */
export interface TargetProblem {
  field: "openId" | "swanId" | "sceneId" | "sceneType";
  message: string;
}

/** Baidu's documented default `scene_type` (contract §1.1). */
const DEFAULT_SCENE_TYPE = 2;

const ONLY_IMPORTED = "only for an order whose importOrder its ledger holds";

/**
 * The query string of a write. Each of the user (`openId` or `swanId`), `sceneId` and `sceneType`
 * left out is filled in from the import of the write's orders, so every write to an order carries
 * the ids of its import, `scene_id` included, as Baidu's SDKs send them (contract §1.1, §6.14). A
 * given one must match the import: Baidu documents the scene id as belonging to the user
 * (contract §1.1, "the scene check"). For an order the ledger does not know, the rules of the
 * input alone apply: one of `openId` and `swanId`, `sceneId` where the endpoint requires it. A
 * batch that mixes the two (`unimported` labels the orders the ledger holds no import of) gets no
 * user or scene id filled in: one order's would go out for another's (the scene id is left out
 * where the endpoint does not require one).
 */
export function toCallTarget(
  endpoint: EndpointName,
  input: TargetFields,
  imported: readonly ImportedOrder[],
  unimported: readonly string[] = [],
): { target: CallTarget; problems: TargetProblem[] } {
  const problems: TargetProblem[] = [];
  const asGiven = givenUser(input);
  const user = pick(asGiven?.kind ?? "openId", asGiven, imported, userOf, problems, unimported);
  // A batch of known and unknown orders, on an endpoint that can do without one, goes with none.
  const partlyKnown = imported.length > 0 && unimported.length > 0;
  const sceneId =
    partlyKnown && input.sceneId == null && !ENDPOINTS[endpoint].sceneRequired
      ? undefined
      : pick("sceneId", given(input.sceneId), imported, (ids) => ids.sceneId, problems, unimported);
  const sceneType = pick("sceneType", given(input.sceneType), imported, sceneTypeOf, problems);
  const troubled = new Set(problems.map((problem) => problem.field));
  if (!user && !troubled.has("openId"))
    problems.push({
      field: "openId",
      message: `give exactly one of openId and swanId; the gateway fills them in ${ONLY_IMPORTED}`,
    });
  if (sceneId === undefined && ENDPOINTS[endpoint].sceneRequired && !troubled.has("sceneId"))
    problems.push({
      field: "sceneId",
      message: `is required by Baidu on this endpoint; the gateway fills it in ${ONLY_IMPORTED}`,
    });
  return {
    target: {
      appKey: input.appKey,
      ...(user?.kind === "openId" && { openId: user.id }),
      ...(user?.kind === "swanId" && { swanId: user.id }),
      ...(sceneId !== undefined && { sceneId }),
      sceneType: sceneType ?? DEFAULT_SCENE_TYPE,
    },
    problems,
  };
}

const given = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** A user id of either kind; two users are the same when both kind and id are. */
interface User {
  kind: "openId" | "swanId";
  id: string;
  /** For comparing. */
  key: string;
}

const toUser = (kind: User["kind"], id: string): User => ({
  kind,
  id,
  key: `${kind}:${id}`,
});

function givenUser(input: TargetFields): User | undefined {
  if (input.openId != null) return toUser("openId", input.openId);
  return input.swanId != null ? toUser("swanId", input.swanId) : undefined;
}

function userOf(ids: ImportedIds): User | undefined {
  if (ids.openId !== undefined) return toUser("openId", ids.openId);
  return ids.swanId !== undefined ? toUser("swanId", ids.swanId) : undefined;
}

const sceneTypeOf = (ids: ImportedIds): number | undefined => ids.sceneType;

type Id = string | number | User;

const keyOf = (value: Id): string | number => (typeof value === "object" ? value.key : value);

/**
 * One id, as given (which must then match every import of the write) or as the imports have it
 * (which must then agree, and cover every order of the write that `unimported` does not name).
 */
function pick<T extends Id>(
  field: TargetProblem["field"],
  asGiven: T | undefined,
  imported: readonly ImportedOrder[],
  read: (ids: ImportedIds) => T | undefined,
  problems: TargetProblem[],
  unimported: readonly string[] = [],
): T | undefined {
  const known = imported
    .map((order) => ({ ...order, value: read(order.ids) }))
    .filter((order): order is ImportedOrder & { value: T } => order.value !== undefined);
  const what = field === "openId" || field === "swanId" ? "user" : field;
  if (asGiven !== undefined) {
    const differing = known.filter((order) => keyOf(order.value) !== keyOf(asGiven));
    if (differing.length > 0)
      problems.push({
        field,
        message: `does not match the ${what} ${names(differing)} imported with (${imports(differing)}); leave ${what === "user" ? "openId and swanId" : "it"} out to send the import's`,
      });
    return asGiven;
  }
  if (known.length > 0 && unimported.length > 0) {
    problems.push({
      field,
      message: `${spoken(unimported)} ${unimported.length < 2 ? "has" : "have"} no import in the ledger to take the ${what} from (${names(known)} imported with one); give ${what === "user" ? "openId or swanId" : "it"}, or write them in separate calls`,
    });
    return undefined;
  }
  const distinct = new Map(known.map((order) => [keyOf(order.value), order.value]));
  if (distinct.size > 1) {
    problems.push({
      field,
      message: `${names(known)} imported with different ${what}s; write them in separate calls`,
    });
    return undefined;
  }
  return [...distinct.values()][0];
}

/** "the order was", "input.orders[0] and input.orders[2] were". */
function names(orders: readonly ImportedOrder[]): string {
  const labels = orders.map((order) => order.label);
  return `${spoken(labels)} ${labels.length < 2 ? "was" : "were"}`;
}

/** "importOrder delivery 3", "importOrder deliveries 3 and 5". */
function imports(orders: readonly ImportedOrder[]): string {
  const ids = [...new Set(orders.map((order) => String(order.ids.deliveryId)))];
  return `importOrder ${ids.length < 2 ? "delivery" : "deliveries"} ${spoken(ids)}`;
}

function spoken(items: readonly string[]): string {
  return items.length < 2 ? items[0]! : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
