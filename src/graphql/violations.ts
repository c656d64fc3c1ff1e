import type { ValidationError } from "class-validator";

/**
 * One broken rule: the field path from the mutation argument down, and what is wrong. The value is
 * never echoed.
 */
export interface Violation {
  path: string;
  message: string;
}

/**
 * Flattens class-validator's error tree into field paths such as
 * `input.afterSale.items[0].createdAt`, from `parent`, the argument's name (empty for arguments
 * declared one by one).
 */
export function toViolations(errors: readonly ValidationError[], parent = "input"): Violation[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent === ""
        ? error.property
        : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: withoutProperty(message, error.property),
    }));
    return [...own, ...toViolations(error.children ?? [], path)];
  });
}

/** class-validator's messages start with the property name; the path already says it. */
function withoutProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * graphql-js reports a variable it cannot coerce (a wrong type, a missing field, an unknown enum
 * value) before our validation runs, quoting the value it got: `Variable "$input" got invalid value
 * "x" at "input.sceneType"; Int cannot represent non-integer value: "x"`. `reason` is the
 * underlying error's own message (the text after the last "; " that belongs to graphql-js, not to
 * the value). This keeps the path and a reason known to carry no value; undefined for other forms.
 */
export function fromCoercionMessage(
  message: string,
  reason: string | undefined,
): Violation | undefined {
  const head = message.match(/^Variable "\$(\w+)" got invalid value /);
  if (!head || !reason || !message.endsWith(`; ${reason}`)) return undefined;
  const prefix = message.slice(0, message.length - reason.length - 2);
  const path = prefix.match(/ at "([\w.[\]]+)"$/)?.[1] ?? head[1]!;
  return { path, message: describeReason(reason) };
}

/** graphql-js's coercion reasons, each kept only up to where it would quote the value. */
const REASONS: ReadonlyArray<[RegExp, (...groups: string[]) => string]> = [
  [
    /^(\w+) cannot represent ([\w -]+?)(?:: [\s\S]*)?$/,
    (type, what) => `${type} cannot represent ${what}`,
  ],
  [
    /^Value [\s\S]* does not exist in "(\w+)" enum\.(?: Did you mean [\s\S]*)?$/,
    (type) => `is not a value of the ${type} enum`,
  ],
  [
    /^Field "(\w+)" of required type "([\w[\]!]+)" was not provided\.$/,
    (field, type) => `Field "${field}" of required type "${type}" was not provided.`,
  ],
  [
    /^Field "[\s\S]*" is not defined by type "(\w+)"\.(?: Did you mean [\s\S]*)?$/,
    (type) => `has a field that type "${type}" does not define`,
  ],
  [/^Expected type "(\w+)" to be an object\.$/, (type) => `must be an object of type "${type}"`],
  [
    /^Expected non-nullable type "([\w[\]!]+)" not to be null\.$/,
    (type) => `must not be null (type "${type}")`,
  ],
  [/^(UnixSeconds must be a whole number of seconds[^"]*)$/, (text) => text],
];

function describeReason(reason: string): string {
  for (const [pattern, describe] of REASONS) {
    const match = reason.match(pattern);
    if (match) return describe(...match.slice(1));
  }
  return "has a value of the wrong type";
}
