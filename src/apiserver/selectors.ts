/** The `labelSelector` + `fieldSelector` of a list or watch as one predicate. */
import type { ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { matchesFields, parseFieldSelector } from "../machinery/fields.ts";
import { matchesLabels, parseLabelSelector } from "../machinery/labels.ts";
import { splitEventSelector } from "./event-fields.ts";

/** Whether an object is selected. */
export type ObjectFilter = (obj: KubeObject) => boolean;

/**
 * The filter of a request's query (400 on bad syntax); undefined when nothing is filtered.
 * Events (`info` = core events) also accept their involvedObject/reason/type/source fields.
 */
export function filterOf(
  query: URLSearchParams,
  info?: Pick<ResourceInfo, "group" | "resource">,
): ObjectFilter | undefined {
  const labelText = query.get("labelSelector") ?? "";
  let fieldText = query.get("fieldSelector") ?? "";
  if (labelText.trim() === "" && fieldText.trim() === "") return undefined;
  let extra: ObjectFilter = () => true;
  if (info?.group === "" && info.resource === "events") {
    const split = splitEventSelector(fieldText);
    fieldText = split.rest;
    extra = split.matches;
  }
  const labels = parseLabelSelector(labelText);
  const fields = parseFieldSelector(fieldText);
  return (obj) => matchesLabels(labels, obj.metadata.labels) && matchesFields(fields, obj) && extra(obj);
}
