/**
 * What a DELETE does to the object it finds (pure), as kube-apiserver's generic registry decides
 * it: remove it now, or mark it (deletionTimestamp, deletionGracePeriodSeconds, the garbage
 * collector's finalizers, a Namespace's Terminating phase) and leave the rest to the controllers
 * that clear finalizers, or to a second delete that ends a pod's grace period.
 */
import {
  deletionGraceOf,
  FOREGROUND_FINALIZER,
  finalizersOf,
  isBeingDeleted,
  namespaceFinalizersOf,
  ORPHAN_FINALIZER,
  type PropagationPolicy,
} from "../api/deletion.ts";
import type { ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";

/** The outcome: remove now, store the marked object, nothing to change, or (Namespace) busy. */
export type DeletePlan =
  | { type: "remove" }
  | { type: "mark"; obj: KubeObject }
  | { type: "unchanged" }
  | { type: "namespace-terminating" };

/** The pod strategy's default when neither the request nor the pod says (corev1 default). */
const DEFAULT_POD_GRACE_SECONDS = 30;

function isPod(info: ResourceInfo): boolean {
  return info.group === "" && info.resource === "pods";
}

function isNamespace(info: ResourceInfo): boolean {
  return info.group === "" && info.resource === "namespaces";
}

/**
 * The grace period of this delete. Only pods have one; a pod no node runs (unscheduled) or that
 * finished has nothing to stop and goes at once, as in Kubernetes' pod strategy.
 */
export function gracePeriod(info: ResourceInfo, obj: KubeObject, requested: number | undefined): number {
  if (!isPod(info)) return 0;
  const spec = (obj["spec"] ?? {}) as { nodeName?: unknown; terminationGracePeriodSeconds?: unknown };
  const phase = (obj["status"] as { phase?: unknown } | undefined)?.phase;
  if (typeof spec.nodeName !== "string" || spec.nodeName === "" || phase === "Succeeded" || phase === "Failed")
    return 0;
  if (requested !== undefined) return requested;
  return typeof spec.terminationGracePeriodSeconds === "number"
    ? spec.terminationGracePeriodSeconds
    : DEFAULT_POD_GRACE_SECONDS;
}

/** The finalizers after a delete with `policy` (deletionFinalizersForGarbageCollection). */
export function finalizersAfter(current: readonly string[], policy: PropagationPolicy | undefined): string[] {
  if (policy === undefined) return [...current];
  const rest = current.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (policy === "Orphan") rest.push(ORPHAN_FINALIZER);
  if (policy === "Foreground") rest.push(FOREGROUND_FINALIZER);
  return rest;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Decides what deleting `current` with these options does, at `now`. */
export function planDeletion(
  info: ResourceInfo,
  current: KubeObject,
  options: { propagationPolicy?: PropagationPolicy; gracePeriodSeconds?: number },
  now: number,
): DeletePlan {
  const namespace = isNamespace(info);
  const before = finalizersOf(current);
  const finalizers = finalizersAfter(before, options.propagationPolicy);
  const grace = gracePeriod(info, current, options.gracePeriodSeconds);
  const held = finalizers.length > 0 || (namespace && namespaceFinalizersOf(current).length > 0);
  const next = structuredClone(current);
  if (finalizers.length > 0) next.metadata["finalizers"] = finalizers;
  else delete next.metadata["finalizers"];

  if (!isBeingDeleted(current)) {
    if (grace === 0 && !held) return { type: "remove" };
    next.metadata.deletionTimestamp = timestamp(now + grace * 1000);
    next.metadata["deletionGracePeriodSeconds"] = grace;
    if (namespace) next["status"] = { ...((current["status"] as object | undefined) ?? {}), phase: "Terminating" };
    return { type: "mark", obj: next };
  }
  // Deleting again: kube-apiserver answers a Namespace still being emptied with 409.
  if (namespace && namespaceFinalizersOf(current).length > 0) return { type: "namespace-terminating" };
  const oldGrace = deletionGraceOf(current);
  const shorter = grace < oldGrace;
  if (shorter) {
    // The grace period counts from the first delete's request time.
    const requestedAt = Date.parse(current.metadata.deletionTimestamp ?? "") - oldGrace * 1000;
    next.metadata.deletionTimestamp = timestamp(Math.min(requestedAt + grace * 1000, now + grace * 1000));
    next.metadata["deletionGracePeriodSeconds"] = grace;
  }
  const newGrace = shorter ? grace : oldGrace;
  if (newGrace === 0 && finalizers.length === 0) return { type: "remove" };
  const changed = shorter || finalizers.join("\n") !== before.join("\n");
  return changed ? { type: "mark", obj: next } : { type: "unchanged" };
}
