/**
 * The checks kube-apiserver makes on a list or watch request's options before serving it
 * (apimachinery's ValidateListOptions), for the options kdns reads: `sendInitialEvents` belongs to
 * watches, and needs `resourceVersionMatch=NotOlderThan`, which a watch takes only with it; a
 * list's `resourceVersionMatch` (Exact or NotOlderThan) needs a `resourceVersion`, and Exact not "0".
 * Like kube-apiserver, a watch with `sendInitialEvents=true` but without `allowWatchBookmarks=true`
 * is served (it only gets no BOOKMARK marking the end of the initial events; watch.ts).
 */
import { invalid, type StatusCause } from "../machinery/status.ts";
import { boolParam } from "./query-params.ts";

const NOT_OLDER_THAN = "NotOlderThan";

function forbidden(field: string, why: string): StatusCause {
  return { field, message: `Forbidden: ${why}`, reason: "FieldValueForbidden" };
}

/** Throws 422 Invalid (on ListOptions.meta.k8s.io, as kube-apiserver) for options that do not go together. */
export function checkListOptions(query: URLSearchParams, watch: boolean): void {
  const sendInitialEvents = boolParam(query, "sendInitialEvents");
  const match = query.get("resourceVersionMatch") ?? "";
  const causes: StatusCause[] = [];
  if (!watch) {
    if (sendInitialEvents !== undefined)
      causes.push(forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
    const rv = query.get("resourceVersion") ?? "";
    if (match !== "") {
      if (match !== "Exact" && match !== NOT_OLDER_THAN)
        causes.push({
          field: "resourceVersionMatch",
          message: `Unsupported value: "${match}": supported values: "Exact", "${NOT_OLDER_THAN}"`,
          reason: "FieldValueNotSupported",
        });
      else if (rv === "")
        causes.push(
          forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"),
        );
      else if (query.get("continue"))
        causes.push(forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
      else if (match === "Exact" && rv === "0")
        causes.push(
          forbidden("resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
        );
    }
  } else {
    if (sendInitialEvents !== undefined && match !== NOT_OLDER_THAN)
      causes.push(
        forbidden(
          "resourceVersionMatch",
          `sendInitialEvents requires setting resourceVersionMatch to ${NOT_OLDER_THAN}`,
        ),
      );
    if (match !== "" && sendInitialEvents === undefined)
      causes.push(
        forbidden(
          "resourceVersionMatch",
          "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
        ),
      );
    if (match !== "" && match !== NOT_OLDER_THAN)
      causes.push({
        field: "resourceVersionMatch",
        message: `Unsupported value: "${match}": supported values: "${NOT_OLDER_THAN}"`,
        reason: "FieldValueNotSupported",
      });
    if (match !== "" && query.get("continue"))
      causes.push(forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
  }
  if (causes.length > 0)
    throw invalid(
      { kind: "ListOptions", group: "meta.k8s.io", objectKind: "ListOptions.meta.k8s.io", name: "" },
      causes,
    );
}
