import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from "graphql";

/**
 * Every name the schema defines: types, fields, arguments, enum values, directives. These may be
 * shown; nothing else from a request may.
 */
export function schemaNames(schema: GraphQLSchema): ReadonlySet<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    names.add(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        names.add(field.name).add(`${type.name}.${field.name}`);
        if ("args" in field) for (const arg of field.args) names.add(arg.name);
      }
    }
    if (isEnumType(type)) for (const value of type.getValues()) names.add(value.name);
  }
  for (const directive of schema.getDirectives()) {
    names.add(`@${directive.name}`);
    for (const arg of directive.args) names.add(arg.name);
  }
  return names;
}

/**
 * graphql-js's parse and validation messages quote what the request said ('Cannot query field "x"',
 * 'found "y"', 'Unexpected Name "z"'). Keeps the names the schema defines (also as type references
 * such as "[Order!]!") and replaces the rest, so that no error repeats the caller's input.
 */
export function withoutEcho(message: string, names: ReadonlySet<string>): string {
  return (
    message
      // A scalar's refusal prints the literal, quoted or not ("Int cannot represent non-integer
      // value: x"): all of it goes.
      .replace(
        /\b(cannot represent|is not a valid|Expected value of type "[^"]*", found)\b[\s\S]*$/,
        "$1 the value given.",
      )
      .replace(
        /(found |got invalid value |Unexpected character: )(?:"(?:[^"\\]|\\.)*"|[^;.]+)/g,
        "$1a value it does not accept",
      )
      .replace(/"((?:[^"\\]|\\.)*)"/g, (quoted, inner: string) =>
        names.has(inner) || names.has(inner.replace(/[[\]!]/g, "")) ? quoted : '"…"',
      )
  );
}
