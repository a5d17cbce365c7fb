/**
 * The checks kube-apiserver makes on a list or watch request's options before serving it
 * (apimachinery's ValidateListOptions), for the options kdns reads: `sendInitialEvents` belongs to
 * watches, and needs `resourceVersionMatch=NotOlderThan`, which a watch takes only with it.
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
  }
  if (causes.length > 0)
    throw invalid(
      { kind: "ListOptions", group: "meta.k8s.io", objectKind: "ListOptions.meta.k8s.io", name: "" },
      causes,
    );
}
