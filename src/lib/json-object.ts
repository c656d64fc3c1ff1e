/**
 * A JSON object (not null, not an array), as parsed from a body, a config file or a fault script.
 */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
