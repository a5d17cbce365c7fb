/**
 * The garbage collector's decisions (pure), after Kubernetes' attemptToDeleteItem and
 * processDeletingDependentsItem: a dependent none of whose owners exist is deleted; one with
 * some owners left loses the references to the missing ones; an owner deleted in the foreground
 * waits for its blocking dependents; an orphaning owner lets go of its dependents first.
 */
import { isDeepStrictEqual } from "node:util";
import type { OwnerReference } from "../../api/types.ts";
import type { ObjectNode } from "../object-informers.ts";

/** What an owner reference points at: an object, nothing, or an object deleted in the foreground. */
export type OwnerState = "solid" | "dangling" | "waiting";

/** What to do with a dependent. */
export type DependentAction =
  | { type: "none" }
  | { type: "delete"; propagationPolicy: "Background" | "Foreground" }
  | { type: "set-owners"; ownerReferences: OwnerReference[] };

/** Decides about `node` from the state of each of its owners (by uid). */
export function dependentAction(
  node: ObjectNode,
  states: ReadonlyMap<string, OwnerState>,
  hasDependents: boolean,
): DependentAction {
  if (node.ownerReferences.length === 0 || node.deleting) return { type: "none" };
  const stateOf = (ref: OwnerReference): OwnerState => states.get(ref.uid) ?? "solid";
  const solid = node.ownerReferences.filter((r) => stateOf(r) === "solid");
  const waiting = node.ownerReferences.filter((r) => stateOf(r) === "waiting");
  if (solid.length === 0) {
    // Owners waiting for their dependents make this one go in the foreground too, so its own
    // blocking dependents are gone before the owner is.
    const foreground = waiting.length > 0 && hasDependents;
    return { type: "delete", propagationPolicy: foreground ? "Foreground" : "Background" };
  }
  const dangling = node.ownerReferences.some((r) => stateOf(r) === "dangling");
  const blocking = waiting.some((r) => r.blockOwnerDeletion === true);
  if (!dangling && !blocking) return { type: "none" };
  // Owners that stay keep this object; a waiting owner must not wait for it.
  const ownerReferences = node.ownerReferences
    .filter((r) => stateOf(r) !== "dangling")
    .map((r) => (stateOf(r) === "waiting" && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r));
  return { type: "set-owners", ownerReferences };
}

/** Whether `dependent` still blocks the foreground deletion of the owner with `ownerUid`. */
export function blocksOwner(dependent: ObjectNode, ownerUid: string): boolean {
  return dependent.ownerReferences.some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true);
}

/**
 * How a foreground-deleted owner's dependent is deleted: a blocking one that has dependents of
 * its own in the foreground too, so the whole chain is gone before the owner.
 */
export function dependentPolicy(
  dependent: ObjectNode,
  ownerUid: string,
  hasDependents: boolean,
): "Background" | "Foreground" {
  return hasDependents && blocksOwner(dependent, ownerUid) ? "Foreground" : "Background";
}

/**
 * Whether an update can change a garbage-collection decision: its owner references, its finalizers
 * or whether it is being deleted changed (Kubernetes' graph builder acts on the same differences).
 * Any other change, such as a pod's status, queues nothing.
 */
export function ownershipChanged(old: ObjectNode, next: ObjectNode): boolean {
  return (
    old.deleting !== next.deleting ||
    !isDeepStrictEqual(old.finalizers, next.finalizers) ||
    !isDeepStrictEqual(old.ownerReferences, next.ownerReferences)
  );
}
