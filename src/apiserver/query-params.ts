/**
 * Query parameters read the way kube-apiserver reads them into its options structs
 * (ListOptions, PatchOptions, DeleteOptions): integers and booleans, with the value seen in the error.
 */
import { badRequest, invalid } from "../machinery/status.ts";

/** Parses a non-negative integer query parameter; undefined when absent or empty. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === "") return undefined;
  if (!/^[0-9]+$/.test(text)) throw badRequest(`invalid ${name}: "${text}" is not a non-negative integer`);
  return Number(text);
}

const GO_TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const GO_FALSE = new Set(["0", "f", "F", "false", "FALSE", "False"]);

/**
 * A boolean query parameter (`watch`, `allowWatchBookmarks`, `sendInitialEvents`, `pretty`, …) in
 * Go's `strconv.ParseBool` forms (`1`, `t`, `T`, `true`, `TRUE`, `True` and their false forms), so
 * Python's `watch=True` and Go's `watch=1` both start a watch; undefined when absent; any other
 * value is a 400 naming it, rather than a guess at what the client meant.
 */
export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (GO_TRUE.has(text)) return true;
  if (GO_FALSE.has(text)) return false;
  throw badRequest(
    `invalid ${name}: "${text}" is not a boolean (one of 1, t, T, true, TRUE, True, 0, f, F, false, FALSE, False)`,
  );
}

/** `pretty`: indent the response; a {@link boolParam}. */
export function prettyParam(query: URLSearchParams): boolean {
  return boolParam(query, "pretty") === true;
}

/**
 * `dryRun` of a create, update or patch (`All` is the one value Kubernetes defines; it may repeat);
 * anything else is 422 on `<verb>Options`, as kube-apiserver's ValidateDryRun.
 */
export function dryRunParam(
  query: URLSearchParams,
  options: "CreateOptions" | "UpdateOptions" | "PatchOptions",
): boolean {
  const values = query.getAll("dryRun");
  const bad = values.filter((v) => v !== "All");
  if (bad.length > 0)
    throw invalid(
      { kind: options, group: "meta.k8s.io", objectKind: `${options}.meta.k8s.io`, name: "" },
      bad.map((v) => ({
        field: "dryRun",
        message: `Unsupported value: "${v}": supported values: "All"`,
        reason: "FieldValueNotSupported",
      })),
    );
  return values.length > 0;
}
