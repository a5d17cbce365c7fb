/**
 * Lease validation (Kubernetes ValidateLease): a DNS subdomain name; a positive duration and a
 * non-negative transition count when given; times in RFC 3339 with microseconds.
 */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { invalidValue } from "./field-errors.ts";
import { isRecord } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Validates a Lease. */
export function validateLease(obj: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const spec = obj["spec"];
  if (spec === undefined || spec === null) return causes;
  if (!isRecord(spec)) return [...causes, ...invalidValue("spec", spec, "must be an object")];
  const holder = spec["holderIdentity"];
  if (holder !== undefined && holder !== null && typeof holder !== "string")
    causes.push(...invalidValue("spec.holderIdentity", holder, "must be a string"));
  const duration = spec["leaseDurationSeconds"];
  if (duration !== undefined && duration !== null && !(Number.isInteger(duration) && (duration as number) > 0))
    causes.push(...invalidValue("spec.leaseDurationSeconds", duration, "must be greater than 0"));
  const transitions = spec["leaseTransitions"];
  if (
    transitions !== undefined &&
    transitions !== null &&
    !(Number.isInteger(transitions) && (transitions as number) >= 0)
  )
    causes.push(...invalidValue("spec.leaseTransitions", transitions, "must be greater than or equal to 0"));
  for (const field of ["acquireTime", "renewTime"]) {
    const t = spec[field];
    if (t !== undefined && t !== null && !(typeof t === "string" && MICRO_TIME.test(t) && !Number.isNaN(Date.parse(t))))
      causes.push(...invalidValue(`spec.${field}`, t, "must be a time in RFC 3339 format"));
  }
  return causes;
}
