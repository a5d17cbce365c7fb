/** The `labelSelector` + `fieldSelector` of a list or watch as one predicate. */
import type { KubeObject } from "../api/types.ts";
import { matchesFields, parseFieldSelector } from "../machinery/fields.ts";
import { matchesLabels, parseLabelSelector } from "../machinery/labels.ts";

/** Whether an object is selected. */
export type ObjectFilter = (obj: KubeObject) => boolean;

/** The filter of a request's query (400 on bad syntax); undefined when nothing is filtered. */
export function filterOf(query: URLSearchParams): ObjectFilter | undefined {
  const labelText = query.get("labelSelector") ?? "";
  const fieldText = query.get("fieldSelector") ?? "";
  if (labelText.trim() === "" && fieldText.trim() === "") return undefined;
  const labels = parseLabelSelector(labelText);
  const fields = parseFieldSelector(fieldText);
  return (obj) => matchesLabels(labels, obj.metadata.labels) && matchesFields(fields, obj);
}
