/**
 * Query parameters read the way kube-apiserver reads them into its options structs
 * (ListOptions, PatchOptions, DeleteOptions): integers and booleans, with the value seen in the error.
 */
import { badRequest } from "../machinery/status.ts";

/** Parses a non-negative integer query parameter; undefined when absent or empty. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === "") return undefined;
  if (!/^[0-9]+$/.test(text)) throw badRequest(`invalid ${name}: "${text}" is not a non-negative integer`);
  return Number(text);
}

/**
 * A boolean query parameter (`watch`, `allowWatchBookmarks`, `sendInitialEvents`, …); undefined
 * when absent. As apimachinery's `Convert_Slice_string_To_bool`, which decodes every boolean
 * option: only `0` and `false` (in any case) are false, and any other value, the empty one
 * included, is true. So Python's `watch=True` and Go's `watch=1` both start a watch.
 */
export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  return !(text === "0" || text.toLowerCase() === "false");
}

const GO_TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"]);

/**
 * `pretty`: kube-apiserver indents the response when the value is one of Go's
 * `strconv.ParseBool` true forms; any other value (or none) leaves it compact.
 */
export function prettyParam(query: URLSearchParams): boolean {
  return GO_TRUE.has(query.get("pretty") ?? "");
}
