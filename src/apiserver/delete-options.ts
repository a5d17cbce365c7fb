/**
 * metav1.DeleteOptions of a DELETE, from its body and its query (kubectl sends a body, other
 * clients put `gracePeriodSeconds`, `propagationPolicy` and `dryRun` in the query), checked the
 * way kube-apiserver's ValidateDeleteOptions checks them.
 */
import type { PropagationPolicy } from "../api/deletion.ts";
import { badRequest, invalid, type StatusCause } from "../machinery/status.ts";
import { boolParam } from "./query-params.ts";

/** Preconditions of a delete (metav1.Preconditions in DeleteOptions). */
export interface DeletePreconditions {
  resourceVersion?: string;
  uid?: string;
}

/** The options a delete honours. */
export interface DeleteOptions {
  preconditions: DeletePreconditions;
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  /** `dryRun=All`: check and answer, write nothing. */
  dryRun: boolean;
}

const POLICIES: readonly string[] = ["Foreground", "Background", "Orphan"];

function fieldOf(body: Record<string, unknown>, query: URLSearchParams, name: string): unknown {
  if (body[name] !== undefined && body[name] !== null) return body[name];
  const values = query.getAll(name);
  return name === "dryRun" ? (values.length > 0 ? values : undefined) : (values[0] ?? undefined);
}

/** Reads DeleteOptions from a parsed body (undefined when empty) and the query. */
export function deleteOptionsOf(body: unknown, query: URLSearchParams): DeleteOptions {
  if (body !== undefined && (body === null || typeof body !== "object" || Array.isArray(body)))
    throw badRequest("the body of a DELETE must be a DeleteOptions object");
  const b = (body ?? {}) as Record<string, unknown>;
  const causes: StatusCause[] = [];
  const out: DeleteOptions = { preconditions: {}, dryRun: false };
  const pre = b["preconditions"] as { resourceVersion?: unknown; uid?: unknown } | undefined;
  if (typeof pre?.resourceVersion === "string") out.preconditions.resourceVersion = pre.resourceVersion;
  if (typeof pre?.uid === "string") out.preconditions.uid = pre.uid;

  const policy = fieldOf(b, query, "propagationPolicy");
  if (policy !== undefined) {
    if (typeof policy === "string" && POLICIES.includes(policy)) out.propagationPolicy = policy as PropagationPolicy;
    else
      causes.push({
        field: "propagationPolicy",
        message: `Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
        reason: "FieldValueNotSupported",
      });
  }
  // The legacy orphanDependents flag, as kube-apiserver still reads it.
  const orphan =
    b["orphanDependents"] ?? (query.has("orphanDependents") ? boolParam(query, "orphanDependents") : undefined);
  if (typeof orphan === "boolean") {
    if (out.propagationPolicy !== undefined)
      causes.push({
        field: "propagationPolicy",
        message: 'Invalid value: "": orphanDependents and deletionPropagation cannot be both set',
        reason: "FieldValueInvalid",
      });
    else out.propagationPolicy = orphan ? "Orphan" : "Background";
  }

  const grace = fieldOf(b, query, "gracePeriodSeconds");
  if (grace !== undefined) {
    const n = typeof grace === "string" && /^-?[0-9]+$/.test(grace) ? Number(grace) : grace;
    if (typeof n !== "number" || !Number.isInteger(n))
      throw badRequest(`invalid gracePeriodSeconds: "${String(grace)}" is not an integer`);
    // A negative grace period means "the shortest one" (kube-apiserver turns it into 1 second).
    out.gracePeriodSeconds = n < 0 ? 1 : n;
  }

  const dryRun = fieldOf(b, query, "dryRun");
  if (dryRun !== undefined) {
    const values = Array.isArray(dryRun) ? dryRun : [dryRun];
    for (const v of values) {
      if (v !== "All")
        causes.push({
          field: "dryRun",
          message: `Unsupported value: "${String(v)}": supported values: "All"`,
          reason: "FieldValueNotSupported",
        });
    }
    out.dryRun = values.length > 0;
  }
  if (causes.length > 0)
    throw invalid(
      { kind: "DeleteOptions", group: "meta.k8s.io", objectKind: "DeleteOptions.meta.k8s.io", name: "" },
      causes,
    );
  return out;
}
