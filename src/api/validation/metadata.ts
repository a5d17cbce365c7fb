/** ObjectMeta validation shared by every kind (apimachinery ValidateObjectMeta). */
import type { StatusCause } from "../../machinery/status.ts";
import {
  annotationsSizeError,
  isDNS1123Label,
  isValidAnnotationKey,
  isValidLabelKey,
  isValidLabelValue,
} from "../../machinery/validate-names.ts";
import { forbidden, invalidOmitted, invalidValue, requiredValue } from "./field-errors.ts";
import { isRecord, isStringMap, prop } from "./guards.ts";

/** A name rule from validate-names: messages for a bad name, empty when good. */
export type NameRule = (name: string) => string[];

/** What differs between kinds in their metadata. */
export interface MetaOptions {
  /** The rule for `metadata.name` (Kubernetes: a DNS-1123 subdomain for most kinds). */
  nameRule: NameRule;
  /** Whether the kind lives in a namespace; cluster-scoped kinds must not carry one. */
  namespaced: boolean;
}

/** Labels: qualified-name keys and label-syntax values (also used for Service selectors). */
export function validateLabels(labels: unknown, field: string): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (!isStringMap(labels)) return invalidValue(field, labels, "must be a map of string keys to string values");
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    causes.push(...invalidValue(field, k, ...isValidLabelKey(k)));
    causes.push(...invalidValue(field, v, ...isValidLabelValue(v)));
  }
  return causes;
}

function validateAnnotations(annotations: unknown, field: string): StatusCause[] {
  if (annotations === undefined || annotations === null) return [];
  // Not echoed: kubectl apply keeps the whole manifest here, a Secret's data included.
  if (!isStringMap(annotations)) return [invalidOmitted(field, "must be a map of string keys to string values")];
  const causes: StatusCause[] = [];
  for (const k of Object.keys(annotations)) causes.push(...invalidValue(field, k, ...isValidAnnotationKey(k)));
  for (const m of annotationsSizeError(annotations))
    causes.push({ field, reason: "FieldValueTooLong", message: `Too long: ${m}` });
  return causes;
}

/**
 * Checks `metadata`: a name (or generateName) that fits the kind's rule, the namespace, labels and
 * annotations. `generateName` is checked as a prefix: a trailing '-' is fine (Kubernetes masks it).
 */
export function validateObjectMeta(obj: unknown, opts: MetaOptions): StatusCause[] {
  const meta = prop(obj, "metadata");
  if (!isRecord(meta)) return [requiredValue("metadata")];
  const causes: StatusCause[] = [];
  const name = meta["name"];
  const generateName = meta["generateName"];
  if (name === undefined || name === "") {
    if (typeof generateName === "string" && generateName !== "") {
      const masked = generateName.endsWith("-") ? `${generateName.slice(0, -1)}a` : generateName;
      causes.push(...invalidValue("metadata.generateName", generateName, ...opts.nameRule(masked)));
    } else {
      causes.push(requiredValue("metadata.name", "name or generateName is required"));
    }
  } else if (typeof name !== "string") {
    causes.push(...invalidValue("metadata.name", name, "must be a string"));
  } else {
    causes.push(...invalidValue("metadata.name", name, ...opts.nameRule(name)));
  }
  const ns = meta["namespace"];
  if (opts.namespaced) {
    if (ns !== undefined && ns !== "") {
      if (typeof ns !== "string") causes.push(...invalidValue("metadata.namespace", ns, "must be a string"));
      else causes.push(...invalidValue("metadata.namespace", ns, ...isDNS1123Label(ns)));
    }
  } else if (ns !== undefined && ns !== "") {
    causes.push(forbidden("metadata.namespace", "not allowed on this type"));
  }
  causes.push(...validateLabels(meta["labels"], "metadata.labels"));
  causes.push(...validateAnnotations(meta["annotations"], "metadata.annotations"));
  return causes;
}
