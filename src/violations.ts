import type { ValidationError } from "class-validator";

/** One broken rule: the field path from the mutation argument down, and what is wrong. The value is never echoed. */
export interface Violation {
  path: string;
  message: string;
}

/** Flattens class-validator's error tree into field paths such as `input.afterSale.items[0].createdAt`. */
export function toViolations(errors: readonly ValidationError[], parent = "input"): Violation[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message: withoutProperty(message, error.property) }));
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
 * "x" at "input.sceneType"; Int cannot represent non-integer value: "x"`. This keeps the path and
 * the reason and drops every quoted value. Undefined when the message is not of that form.
 */
export function fromCoercionMessage(message: string): Violation | undefined {
  const head = message.match(/^Variable "\$(\w+)" got invalid value /);
  const split = message.lastIndexOf("; ");
  if (!head || split < 0) return undefined;
  const path = message.slice(0, split).match(/ at "([\w.[\]]+)"$/)?.[1] ?? head[1]!;
  const reason = message
    .slice(split + 2)
    .replace(/ Did you mean [\s\S]*$/, "")
    .replace(/^Value [\s\S]* does not exist in "(\w+)" enum\.$/, "is not a value of the $1 enum")
    .replace(/: [\s\S]*$/, "");
  return { path, message: reason };
}
