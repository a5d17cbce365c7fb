/**
 * The garbage collector: the shared object informers (object-informers.ts) are its ownership
 * graph, indexed by uid and by owner uid; every change of ownership or deletion state queues the
 * object's uid, its owners' and (when it goes) its dependents'. A sync reads the indexes only, except to confirm that an owner
 * missing from them is really gone (a live GET by name, compared by uid, as Kubernetes does, so a
 * cache lagging behind a fresh owner never costs a dependent). Writes carry the resourceVersion or
 * uid they were decided on.
 */
import type { Registry } from "prom-client";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from "../../api/deletion.ts";
import { resourceByKind } from "../../api/resources.ts";
import type { KubeObject, OwnerReference } from "../../api/types.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import { WorkQueue } from "../../client/work-queue.ts";
import { logger } from "../../machinery/log.ts";
import type { ObjectInformers, ObjectNode } from "../object-informers.ts";
import { runWorkers, type SyncOutcome } from "../run-workers.ts";
import { blocksOwner, dependentAction, dependentPolicy, type OwnerState, ownershipChanged } from "./sync.ts";

const log = logger("garbage-collector");

/** Options of {@link startGarbageCollector}. */
export interface GarbageCollectorOptions {
  client: RestClient;
  /** The object informers; the caller starts them once every controller has registered. */
  objects: ObjectInformers;
  metrics?: Registry;
}

/** A running garbage collector. */
export interface GarbageCollector {
  synced(): boolean;
  stopped(): Promise<void>;
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof ClientError && err.code === 404)) throw err;
}

/** Starts the collector; it runs until `signal` aborts. */
export function startGarbageCollector(options: GarbageCollectorOptions, signal: AbortSignal): GarbageCollector {
  const { client, objects: graph, metrics: registry } = options;
  // kube-controller-manager's collector names its queue "garbage_collector_attempt_to_delete".
  const queue = new WorkQueue({
    baseDelayMs: 50,
    maxDelayMs: 10_000,
    ...(registry ? { metrics: { registry, name: "garbage_collector_attempt_to_delete" } } : {}),
  });
  const changed = (node: ObjectNode, old?: ObjectNode): void => {
    // Without owners and not being deleted, the sync would decide nothing: a pod create costs no sync.
    if (node.ownerReferences.length > 0 || node.deleting) queue.add(node.uid);
    for (const ref of [...node.ownerReferences, ...(old?.ownerReferences ?? [])]) queue.add(ref.uid);
  };
  graph.on("add", (node) => changed(node));
  graph.on("update", (old, node) => {
    if (ownershipChanged(old, node)) changed(node, old);
  });
  graph.on("delete", (node) => {
    for (const d of graph.dependentsOf(node.uid)) queue.add(d.uid);
    for (const ref of node.ownerReferences) queue.add(ref.uid);
  });

  /** Whether the owner `ref` of `node` exists, is gone, or waits for its dependents. */
  async function ownerState(node: ObjectNode, ref: OwnerReference): Promise<OwnerState> {
    const owner = graph.get(ref.uid);
    if (owner) return owner.deleting && owner.finalizers.includes(FOREGROUND_FINALIZER) ? "waiting" : "solid";
    const info = resourceByKind(ref.apiVersion, ref.kind);
    // An owner of a kind kdns does not serve cannot be looked up; leave the dependent alone.
    if (!info) return "solid";
    try {
      const live = await client.get(info, info.namespaced ? node.namespace : undefined, ref.name);
      return live.metadata.uid === ref.uid ? "solid" : "dangling";
    } catch (err) {
      if (err instanceof ClientError && err.code === 404) return "dangling";
      throw err;
    }
  }

  /** Changes one object's metadata with a merge patch pinned to the version read just before. */
  async function patchMeta(node: ObjectNode, edit: (obj: KubeObject) => Record<string, unknown>): Promise<void> {
    try {
      const live = await client.get(node.info, node.namespace || undefined, node.name);
      if (live.metadata.uid !== node.uid) return;
      const metadata = { ...edit(live), resourceVersion: live.metadata.resourceVersion };
      await client.patch(node.info, node.namespace || undefined, node.name, { metadata });
    } catch (err) {
      ignoreNotFound(err);
    }
  }

  async function remove(node: ObjectNode, propagationPolicy: "Background" | "Foreground"): Promise<void> {
    log.debug({ resource: node.info.resource, namespace: node.namespace, name: node.name }, "deleting garbage");
    try {
      await client.delete(node.info, node.namespace || undefined, node.name, {
        propagationPolicy,
        preconditions: { uid: node.uid },
      });
    } catch (err) {
      ignoreNotFound(err);
    }
  }

  const withoutFinalizer = (name: string) => (obj: KubeObject) => ({
    finalizers: ((obj.metadata["finalizers"] as string[] | undefined) ?? []).filter((f) => f !== name),
  });

  async function sync(uid: string): Promise<SyncOutcome> {
    const node = graph.get(uid);
    if (!node) return "done";
    if (node.deleting && node.finalizers.includes(ORPHAN_FINALIZER)) {
      for (const d of graph.dependentsOf(uid))
        await patchMeta(d, (obj) => {
          const rest = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          // null removes the field in a merge patch, as Kubernetes leaves an orphan.
          return { ownerReferences: rest.length > 0 ? rest : null };
        });
      await patchMeta(node, withoutFinalizer(ORPHAN_FINALIZER));
      return "done";
    }
    if (node.deleting && node.finalizers.includes(FOREGROUND_FINALIZER)) {
      const dependents = graph.dependentsOf(uid);
      for (const d of dependents)
        if (!d.deleting) await remove(d, dependentPolicy(d, uid, graph.dependentsOf(d.uid).length > 0));
      // Each dependent's deletion queues this owner again; until then it waits.
      if (dependents.some((d) => blocksOwner(d, uid))) return "done";
      await patchMeta(node, withoutFinalizer(FOREGROUND_FINALIZER));
      return "done";
    }
    if (node.ownerReferences.length === 0 || node.deleting) return "done";
    const states = new Map<string, OwnerState>();
    for (const ref of node.ownerReferences) states.set(ref.uid, await ownerState(node, ref));
    const action = dependentAction(node, states, graph.dependentsOf(uid).length > 0);
    if (action.type === "delete") await remove(node, action.propagationPolicy);
    else if (action.type === "set-owners") {
      // Decided on the cached version: pinned to it, a 409 means decide again.
      const metadata = { ownerReferences: action.ownerReferences, resourceVersion: node.resourceVersion };
      await client.patch(node.info, node.namespace || undefined, node.name, { metadata }).catch(ignoreNotFound);
    }
    return "done";
  }

  const workers = runWorkers({ queue, informers: graph.informers, sync, log, workers: 2, signal });
  return {
    synced: () => graph.hasSynced(),
    stopped: async () => {
      await workers;
      await graph.stopped();
    },
  };
}
