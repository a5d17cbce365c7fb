/** Namespace validation: its name becomes a DNS label (`svc.<ns>.svc.cluster.local`). */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Label, isQualifiedName } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { invalidValue, notSupported } from "./field-errors.ts";
import { prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";

const PHASES = ["Active", "Terminating"];

/** The finalizer names Kubernetes defines without a domain (helper.IsStandardFinalizerName). */
const STANDARD_FINALIZERS = ["kubernetes", "orphan", "foregroundDeletion"];

/** A finalizer is a qualified name, with a domain unless it is a standard one (validateFinalizerName). */
function finalizerName(field: string, name: string): StatusCause[] {
  const causes = isQualifiedName(name).flatMap((msg) => invalidValue(field, name, msg));
  if (!name.includes("/") && !STANDARD_FINALIZERS.includes(name))
    causes.push(...invalidValue(field, name, "name is neither a standard finalizer name nor is it fully qualified"));
  return causes;
}

/** Validates a Namespace. */
export function validateNamespace(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Label, namespaced: false });
  const finalizers = prop(prop(obj, "spec"), "finalizers");
  if (finalizers !== undefined && finalizers !== null) {
    if (!Array.isArray(finalizers) || !finalizers.every((f) => typeof f === "string")) {
      causes.push(...invalidValue("spec.finalizers", finalizers, "must be a list of strings"));
    } else for (const [i, f] of finalizers.entries()) causes.push(...finalizerName(`spec.finalizers[${i}]`, f));
  }
  const phase = prop(prop(obj, "status"), "phase");
  if (phase !== undefined && phase !== "" && (typeof phase !== "string" || !PHASES.includes(phase))) {
    causes.push(notSupported("status.phase", phase, PHASES));
  }
  return causes;
}
