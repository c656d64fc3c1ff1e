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
