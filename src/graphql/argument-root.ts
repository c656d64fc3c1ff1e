import { getNamedType, type GraphQLResolveInfo } from "graphql";
import { ArgumentValidationError, getMetadataStorage } from "type-graphql";
import type { ValidationError } from "class-validator";

/**
 * Input that broke a rule, with the name of the argument it came in (`root`): `input` for
 * `updateOrderInfo(input: …)`, `filter` for `deliveries(filter: …)`, and empty for arguments
 * declared one by one (`deliveries(first: …)`), whose properties are the arguments themselves.
 */
export class InputValidationError extends ArgumentValidationError {
  constructor(
    errors: ValidationError[],
    readonly root: string,
  ) {
    super(errors);
  }
}

const roots = new Map<string, string>();

/** The argument of the field being resolved that holds a value of `type` (a class). */
export function argumentRoot(type: unknown, info: GraphQLResolveInfo): string {
  const key = `${info.parentType.name}.${info.fieldName}:${(type as { name?: string })?.name}`;
  const cached = roots.get(key);
  if (cached !== undefined) return cached;
  const storage = getMetadataStorage();
  let root = "input";
  if (storage.argumentTypes.some((args) => args.target === type)) root = "";
  else {
    const name = storage.inputTypes.find((input) => input.target === type)?.name;
    const args = info.parentType.getFields()[info.fieldName]?.args ?? [];
    const holding = args.filter((arg) => getNamedType(arg.type).name === name);
    if (holding.length === 1) root = holding[0]!.name;
  }
  roots.set(key, root);
  return root;
}
