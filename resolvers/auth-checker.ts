import {
  GraphQLError,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { Authorized, type AuthChecker } from "type-graphql";
import type { Caller } from "../src/auth/caller";
import { Role } from "../src/auth/roles";
import type { GatewayContext } from "../src/graphql/context";
import { forbiddenApp, forbiddenRole } from "../src/graphql/errors";
import { badInput } from "./ledger-errors";

/**
 * For the seven write mutations: the caller needs the role `orders:write` and may act for the
 * Baidu app named by `input.appKey`, which the gateway must hold.
 */
export const WRITES_APP = "WRITES_APP";

/** The ledger's reads (the apps a caller sees are those it may act for: see ledger-loaders.ts). */
export const READS_LEDGER = Role.READ_LEDGER;

/** retryDelivery and cancelDelivery. */
export const OPERATES_DELIVERIES = Role.OPERATE_DELIVERIES;

/**
 * The context already holds an authenticated caller (API key or token); `@Authorized()` needs no
 * more. Each role named in `@Authorized(...)` must be the caller's; the role is named in the
 * refusal, the app (the caller's input) is not.
 */
export const authChecker: AuthChecker<GatewayContext> = ({ context, args, info }, roles) => {
  for (const role of roles) {
    const needed = role === WRITES_APP ? Role.WRITE_ORDERS : (role as Role);
    if (!context.caller.hasRole(needed)) throw forbiddenRole(needed, fieldOf(info));
  }
  if (!roles.includes(WRITES_APP)) return true;
  const appKey = String((args.input as { appKey?: unknown } | undefined)?.appKey ?? "");
  if (!context.caller.mayActFor(appKey)) throw forbiddenApp("input.appKey");
  if (!context.apps.has(appKey))
    throw badInput("input.appKey", "no Baidu app with this key is configured in the gateway");
  return true;
};

/** `importOrder` for an operation, `Delivery.orders` for a field of a type. */
function fieldOf(info: GraphQLResolveInfo): string {
  const root = [info.schema.getQueryType(), info.schema.getMutationType()].includes(
    info.parentType,
  );
  return root ? info.fieldName : `${info.parentType.name}.${info.fieldName}`;
}

/** `Type.field` → the role it needs, for the check of a whole operation before it runs. */
const FIELD_ROLES = new Map<string, readonly Role[]>();

/**
 * `@Authorized(...roles)` on a field of `typeName`, also checked for the whole operation before
 * anything runs (`unauthorizedField`): a write whose payload selects a field the caller may not
 * read is refused before it is accepted, not accepted and then answered FORBIDDEN.
 */
export function AuthorizedField(typeName: string, ...roles: Role[]): MethodDecorator {
  return (target, key, descriptor) => {
    FIELD_ROLES.set(`${typeName}.${String(key)}`, roles);
    Authorized(...roles)(target, key, descriptor);
  };
}

/** A field of a document that needs roles, as the refusal names it. */
interface RoleNeed {
  field: string;
  roles: readonly Role[];
}

/** Per parsed document (Apollo keeps them in its cache): its fields that need a role. */
const needsOf = new WeakMap<DocumentNode, RoleNeed[]>();

function roleNeeds(schema: GraphQLSchema, document: DocumentNode): RoleNeed[] {
  const known = needsOf.get(document);
  if (known) return known;
  const typeInfo = new TypeInfo(schema);
  const needs: RoleNeed[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const roles = parent && FIELD_ROLES.get(`${parent.name}.${node.name.value}`);
        if (!parent || !roles) return;
        const root = parent === schema.getQueryType() || parent === schema.getMutationType();
        needs.push({ field: root ? node.name.value : `${parent.name}.${node.name.value}`, roles });
      },
    }),
  );
  needsOf.set(document, needs);
  return needs;
}

/**
 * The first field of the document the caller lacks a role for, as a FORBIDDEN error (HTTP 403);
 * undefined when the caller may run all of it.
 */
export function unauthorizedField(
  schema: GraphQLSchema,
  document: DocumentNode,
  caller: Caller,
): GraphQLError | undefined {
  for (const { field, roles } of roleNeeds(schema, document)) {
    const role = roles.find((needed) => !caller.hasRole(needed));
    if (!role) continue;
    const error = forbiddenRole(role, field);
    return new GraphQLError(error.message, {
      extensions: { ...error.extensions, http: { status: 403 } },
    });
  }
  return undefined;
}
