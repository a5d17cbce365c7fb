/** Namespace validation: its name becomes a DNS label (`svc.<ns>.svc.cluster.local`). */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Label } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { invalidValue, notSupported } from "./field-errors.ts";
import { prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";

const PHASES = ["Active", "Terminating"];

/** Validates a Namespace. */
export function validateNamespace(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Label, namespaced: false });
  const finalizers = prop(prop(obj, "spec"), "finalizers");
  if (finalizers !== undefined && finalizers !== null) {
    if (!Array.isArray(finalizers) || !finalizers.every((f) => typeof f === "string")) {
      causes.push(...invalidValue("spec.finalizers", finalizers, "must be a list of strings"));
    }
  }
  const phase = prop(prop(obj, "status"), "phase");
  if (phase !== undefined && phase !== "" && (typeof phase !== "string" || !PHASES.includes(phase))) {
    causes.push(notSupported("status.phase", phase, PHASES));
  }
  return causes;
}
