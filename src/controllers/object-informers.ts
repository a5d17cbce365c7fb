/**
 * The picture of the cluster the garbage collector and the namespace controller share: one
 * informer per served resource, caching of each object only what ownership and namespace cleanup
 * need ({@link ObjectNode}), indexed by uid and by owner uid. Every lookup is an index read (by
 * uid, by owner uid, by namespace: the informer store's first level), never a pass over a kind,
 * so the work of an event does not grow with the cluster.
 */
import type { Registry } from "prom-client";
import { finalizersOf, isBeingDeleted } from "../api/deletion.ts";
import { RESOURCES, type ResourceInfo } from "../api/resources.ts";
import type { KubeObject, OwnerReference } from "../api/types.ts";
import type { Informer, InformerHandlers } from "../client/informer.ts";
import type { SharedInformers } from "../client/shared-informers.ts";

/** One object, as the collector and the namespace controller see it. */
export interface ObjectNode {
  uid: string;
  info: ResourceInfo;
  namespace: string;
  name: string;
  resourceVersion: string;
  ownerReferences: OwnerReference[];
  finalizers: string[];
  deleting: boolean;
}

/**
 * What most objects have: no owners, no finalizers. Shared by their nodes (two empty arrays less
 * for each of 100,000 pods); never changed in place, as nodes are replaced whole.
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** The node of an object of resource `info`. */
export function toNode(info: ResourceInfo, obj: KubeObject): ObjectNode {
  const refs = obj.metadata.ownerReferences;
  const owners = Array.isArray(refs) ? refs.filter((r) => typeof r?.uid === "string") : NONE;
  const finalizers = finalizersOf(obj);
  return {
    uid: obj.metadata.uid ?? "",
    info,
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name ?? "",
    resourceVersion: obj.metadata.resourceVersion ?? "",
    ownerReferences: owners.length > 0 ? owners : NONE,
    finalizers: finalizers.length > 0 ? finalizers : NONE,
    deleting: isBeingDeleted(obj),
  };
}

const UID_INDEX = "uid";
const OWNER_UID_INDEX = "owner-uid";

/** The informers, one per resource in {@link RESOURCES}. */
export class ObjectInformers {
  readonly #byResource = new Map<ResourceInfo, Informer<KubeObject, ObjectNode>>();

  constructor(shared: SharedInformers, metrics?: { registry: Registry; component: string }) {
    for (const info of RESOURCES) {
      const informer = shared.informer<KubeObject, ObjectNode>(info, {
        transform: (obj) => toNode(info, obj),
        same: (a, b) => a.resourceVersion === b.resourceVersion,
        ...(metrics ? { metrics } : {}),
      });
      informer.addIndex(UID_INDEX, (node) => [node.uid]);
      informer.addIndex(OWNER_UID_INDEX, (node) => node.ownerReferences.map((r) => r.uid));
      this.#byResource.set(info, informer);
    }
  }

  /** Subscribes to one kind of change of every resource. Register handlers before {@link start}. */
  on<K extends keyof InformerHandlers<ObjectNode>>(event: K, handler: InformerHandlers<ObjectNode>[K]): void {
    for (const informer of this.#byResource.values()) informer.on(event, handler);
  }

  /** Starts every informer until `signal` aborts. */
  start(signal: AbortSignal): void {
    for (const informer of this.#byResource.values()) informer.start(signal);
  }

  /** The informers, for waiting on their sync. */
  get informers(): readonly Informer<KubeObject, ObjectNode>[] {
    return [...this.#byResource.values()];
  }

  /** Whether every informer has loaded its first list. */
  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  /** Resolves once every informer has stopped. */
  async stopped(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stopped()));
  }

  /** The object with this uid, of any resource. */
  get(uid: string): ObjectNode | undefined {
    for (const informer of this.#byResource.values()) {
      const [found] = informer.byIndex(UID_INDEX, uid);
      if (found) return found.value;
    }
    return undefined;
  }

  /** The objects whose owner references name `uid`. */
  dependentsOf(uid: string): ObjectNode[] {
    return this.informers.flatMap((i) => i.byIndex(OWNER_UID_INDEX, uid).map((x) => x.value));
  }

  /** The objects of resource `info` in `namespace`. */
  inNamespace(info: ResourceInfo, namespace: string): ObjectNode[] {
    return (
      this.#byResource
        .get(info)
        ?.byNamespace(namespace)
        .map((x) => x.value) ?? []
    );
  }
}
