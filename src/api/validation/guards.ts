/**
 * Type guards for walking user input. Validation sees objects straight from JSON, so any field
 * may hold any type; these let the validators report a wrong type as a field cause instead of
 * throwing.
 */

/** A plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value of `key` in `v` if `v` is an object and has it as its own property. */
export function prop(v: unknown, key: string): unknown {
  return isRecord(v) && Object.hasOwn(v, key) ? v[key] : undefined;
}

/** The object at `key`, or undefined when absent or not an object. */
export function recordAt(v: unknown, key: string): Record<string, unknown> | undefined {
  const x = prop(v, key);
  return isRecord(x) ? x : undefined;
}

/** A JSON object whose values are all strings (labels, annotations, selectors). */
export function isStringMap(v: unknown): v is Record<string, string> {
  return isRecord(v) && Object.values(v).every((x) => typeof x === "string");
}
