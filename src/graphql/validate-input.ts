import { getMetadataStorage, validateSync, type ValidatorOptions } from "class-validator";
import type { ValidationMetadata } from "class-validator/types/metadata/ValidationMetadata";
import type { ValidatorFn } from "type-graphql";
import { argumentRoot, InputValidationError } from "./argument-root";
import { oversizedLists } from "./list-limits";

/** Report every rule on every field, never the input's values (they may be personal data). */
const OPTIONS: ValidatorOptions = {
  forbidUnknownValues: false,
  skipMissingProperties: false,
  validationError: { target: false, value: false },
};

/**
 * Validates an input object with its class-validator decorators. Replaces type-graphql's built-in
 * step, which resolves `require("class-validator")` again on every call (about 15 µs a request in
 * the benchmark's profile); every rule here is synchronous.
 */
export const validateInput: ValidatorFn = (value, type, { info }) => {
  const inputs = (Array.isArray(value) ? value : [value]).filter(
    (input): input is object => input !== null && typeof input === "object",
  );
  // A list far longer than its rule allows is all that is reported: its items are not checked.
  const oversized = inputs.flatMap((input) => oversizedLists(input));
  const errors =
    oversized.length > 0 ? oversized : inputs.flatMap((input) => validateSync(input, OPTIONS));
  if (errors.length > 0) throw new InputValidationError(errors, argumentRoot(type, info));
};

let memoized = false;

/**
 * class-validator looks a class's rules up anew for every object it validates, scanning every
 * registered class for inherited rules: about 40 µs a request in the benchmark's profile. All our
 * rules are registered when the classes load, before the schema is built, so the answer for a
 * class never changes afterwards; this remembers it. Call it once the schema is built.
 */
export function memoizeRuleLookup(): void {
  if (memoized) return;
  memoized = true;
  const storage = getMetadataStorage();
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  // Keyed by class and schema name: class-validator passes the parent rule's class name as the
  // "schema" when it validates a nested object.
  const rulesByClass = new Map<Function, Map<string, ValidationMetadata[]>>();
  const grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (always || strictGroups || (groups && groups.length > 0))
      return lookup(target, schema, always, strictGroups, groups);
    let bySchema = rulesByClass.get(target);
    if (!bySchema) rulesByClass.set(target, (bySchema = new Map()));
    let rules = bySchema.get(schema);
    if (!rules)
      bySchema.set(schema, (rules = lookup(target, schema, always, strictGroups, groups)));
    return rules;
  };
  storage.groupByPropertyName = (rules) => {
    let byProperty = grouped.get(rules);
    if (!byProperty) grouped.set(rules, (byProperty = group(rules)));
    return byProperty;
  };
}
