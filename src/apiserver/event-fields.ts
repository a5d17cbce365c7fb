/**
 * The extra field selectors of core/v1 Events (kube-apiserver's event `GetAttrs`): kubectl
 * describe lists events with `involvedObject.name=…,involvedObject.namespace=…,
 * involvedObject.kind=…,involvedObject.uid=…`. These terms are matched here; the object-meta
 * terms are left for the common field selector.
 */
import type { KubeObject } from "../api/types.ts";
import { splitTerms, unescapeValue } from "../machinery/fields.ts";

const EVENT_FIELDS: readonly string[] = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
];

/** The event-only terms of a selector as a predicate, and the remaining terms as text. */
export interface SplitSelector {
  rest: string;
  matches: (obj: KubeObject) => boolean;
}

function fieldValue(obj: KubeObject, field: string): string {
  if (field === "source") return String((obj["source"] as { component?: unknown } | undefined)?.component ?? "");
  let v: unknown = obj;
  for (const part of field.split("."))
    v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  return v === undefined || v === null ? "" : String(v);
}

/** Splits an Events field selector; 400 on a term it cannot read. */
export function splitEventSelector(text: string): SplitSelector {
  const rest: string[] = [];
  const checks: { field: string; equal: boolean; value: string }[] = [];
  for (const term of splitTerms(text).filter((t) => t.trim() !== "")) {
    const m = /^\s*([^=!\s]+)\s*(!=|==|=)(.*)$/s.exec(term);
    if (!m || !EVENT_FIELDS.includes(m[1] ?? "")) {
      rest.push(term);
      continue;
    }
    checks.push({ field: m[1] ?? "", equal: m[2] !== "!=", value: unescapeValue(m[3] ?? "", text) });
  }
  return {
    rest: rest.join(","),
    matches: (obj) => checks.every((c) => (fieldValue(obj, c.field) === c.value) === c.equal),
  };
}
