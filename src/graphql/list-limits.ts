import { ARRAY_MAX_SIZE, getMetadataStorage, ValidationError } from "class-validator";
import {
  AT_MOST_PER_CALL,
  getInputLimits,
  tooManyItems,
  type InputLimits,
} from "../../schema/validators";

/** The most items each list property of an input class may hold, by property name. */
type Limits = ReadonlyMap<string, () => number>;

const byClass = new WeakMap<Function, Limits>();

/** The list limits of an input class: `@ArrayMaxSize(n)` and `@AtMostPerCall(key)`. */
function limitsOf(target: Function): Limits {
  let limits = byClass.get(target);
  if (limits) return limits;
  const found = new Map<string, () => number>();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(target, "", false, false)) {
    const [constraint] = (rule.constraints ?? []) as unknown[];
    if (rule.name === ARRAY_MAX_SIZE && typeof constraint === "number")
      found.set(rule.propertyName, () => constraint);
    if (rule.name === AT_MOST_PER_CALL)
      found.set(rule.propertyName, () => getInputLimits()[constraint as keyof InputLimits]);
  }
  byClass.set(target, (limits = found));
  return limits;
}

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null;

function failure(property: string, children: ValidationError[], max?: number): ValidationError {
  return Object.assign(new ValidationError(), {
    property,
    children,
    ...(max !== undefined && {
      constraints: { [ARRAY_MAX_SIZE]: `${property} ${tooManyItems(max)}` },
    }),
  });
}

/**
 * The lists of an input far longer than their rules allow (more than twice), found before the rules
 * run: class-validator would check every item of a list however long (a 1 MB list of 15,000 items
 * took ~400 ms and listed 6.6 MB of problems). Empty when no list is that long: a list a little
 * too long is reported with every other problem, by the rules themselves. Of a list far too long,
 * only the items within its limit are looked at (for lists of their own far too long).
 */
export function oversizedLists(input: object, depth = 0): ValidationError[] {
  if (depth > 16) return [];
  const limits = limitsOf(input.constructor);
  const errors: ValidationError[] = [];
  for (const [property, value] of Object.entries(input)) {
    const max = limits.get(property)?.();
    const over = Array.isArray(value) && max !== undefined && value.length > 2 * max;
    const children = Array.isArray(value)
      ? value.slice(0, over ? max : undefined).flatMap((item: unknown, index) => {
          const inner = isObject(item) ? oversizedLists(item, depth + 1) : [];
          return inner.length > 0 ? [failure(String(index), inner)] : [];
        })
      : isObject(value)
        ? oversizedLists(value, depth + 1)
        : [];
    if (over || children.length > 0)
      errors.push(failure(property, children, over ? max : undefined));
  }
  return errors;
}
