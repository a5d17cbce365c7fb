/**
 * The garbage collector's picture of the cluster: every object of every kind, reduced to what
 * ownership needs (uid, owner references, finalizers, whether it is being deleted), indexed by
 * uid and by owner uid, as Kubernetes' GC dependency graph. Fed by informer events; pure.
 */
import { finalizersOf, isBeingDeleted } from "../../api/deletion.ts";
import type { ResourceInfo } from "../../api/resources.ts";
import type { KubeObject, OwnerReference } from "../../api/types.ts";

/** One object, as the collector sees it. */
export interface GraphNode {
  uid: string;
  info: ResourceInfo;
  namespace: string;
  name: string;
  resourceVersion: string;
  ownerReferences: OwnerReference[];
  finalizers: string[];
  deleting: boolean;
}

/** The node of an object of resource `info`. */
export function toNode(info: ResourceInfo, obj: KubeObject): GraphNode {
  const refs = obj.metadata.ownerReferences;
  return {
    uid: obj.metadata.uid ?? "",
    info,
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name ?? "",
    resourceVersion: obj.metadata.resourceVersion ?? "",
    ownerReferences: Array.isArray(refs) ? refs.filter((r) => typeof r?.uid === "string") : [],
    finalizers: finalizersOf(obj),
    deleting: isBeingDeleted(obj),
  };
}

/** Nodes by uid, and the dependents of each owner uid. */
export class OwnershipGraph {
  readonly #nodes = new Map<string, GraphNode>();
  readonly #dependents = new Map<string, Set<string>>();

  /** The node with this uid. */
  get(uid: string): GraphNode | undefined {
    return this.#nodes.get(uid);
  }

  /** Adds or replaces a node. */
  put(node: GraphNode): void {
    const old = this.#nodes.get(node.uid);
    if (old) this.#unlink(old);
    this.#nodes.set(node.uid, node);
    for (const ref of node.ownerReferences) {
      let set = this.#dependents.get(ref.uid);
      if (!set) this.#dependents.set(ref.uid, (set = new Set()));
      set.add(node.uid);
    }
  }

  /** Removes a node (its dependents stay, now pointing at a missing owner). */
  remove(uid: string): void {
    const old = this.#nodes.get(uid);
    if (!old) return;
    this.#unlink(old);
    this.#nodes.delete(uid);
  }

  /** The objects whose owner references name `uid`. */
  dependentsOf(uid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const d of this.#dependents.get(uid) ?? []) {
      const node = this.#nodes.get(d);
      if (node) out.push(node);
    }
    return out;
  }

  #unlink(node: GraphNode): void {
    for (const ref of node.ownerReferences) {
      const set = this.#dependents.get(ref.uid);
      set?.delete(node.uid);
      if (set?.size === 0) this.#dependents.delete(ref.uid);
    }
  }
}
