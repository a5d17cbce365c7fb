/**
 * The deletion vocabulary every component shares (pure): the garbage collector's finalizers, the
 * namespace finalizer, and when an object being deleted is ready to go. The rules follow
 * kube-apiserver's generic registry (BeforeDelete, deletionFinalizersForGarbageCollection,
 * ShouldDeleteDuringUpdate) and the pod strategy's graceful deletion.
 */
import type { KubeObject } from "./types.ts";

/** Finalizer that makes the garbage collector remove owner references from dependents first. */
export const ORPHAN_FINALIZER = "orphan";
/** Finalizer that makes the garbage collector delete blocking dependents first. */
export const FOREGROUND_FINALIZER = "foregroundDeletion";
/** The `spec.finalizers` entry the namespace controller removes once a namespace is empty. */
export const NAMESPACE_FINALIZER = "kubernetes";

/** metav1.DeletionPropagation. */
export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

/** Whether deletion has started (`metadata.deletionTimestamp` is set). */
export function isBeingDeleted(obj: KubeObject): boolean {
  return typeof obj.metadata.deletionTimestamp === "string" && obj.metadata.deletionTimestamp !== "";
}

/** `metadata.finalizers`, never undefined. */
export function finalizersOf(obj: KubeObject): string[] {
  const list = obj.metadata["finalizers"];
  return Array.isArray(list) ? list.filter((f): f is string => typeof f === "string") : [];
}

/** `spec.finalizers` of a Namespace, never undefined. */
export function namespaceFinalizersOf(obj: KubeObject): string[] {
  const spec = obj["spec"] as { finalizers?: unknown } | undefined;
  return Array.isArray(spec?.finalizers) ? spec.finalizers.filter((f): f is string => typeof f === "string") : [];
}

/** `metadata.deletionGracePeriodSeconds`, 0 when unset. */
export function deletionGraceOf(obj: KubeObject): number {
  const grace = obj.metadata["deletionGracePeriodSeconds"];
  return typeof grace === "number" ? grace : 0;
}

/**
 * Whether an object being deleted can leave storage now: no finalizers (nor, for a Namespace,
 * spec finalizers) left and no grace period still running (a pod's ends with a delete at 0).
 */
export function readyToRemove(obj: KubeObject, isNamespace: boolean): boolean {
  return (
    isBeingDeleted(obj) &&
    finalizersOf(obj).length === 0 &&
    deletionGraceOf(obj) === 0 &&
    (!isNamespace || namespaceFinalizersOf(obj).length === 0)
  );
}
