/**
 * The namespace controller: an informer on Namespaces queues every namespace being deleted; a
 * sync lists what the namespace still holds (every namespaced resource, from the API: the
 * controller keeps no cache of them), deletes what is not being deleted yet, writes the
 * conditions that say what is left, and once nothing is left removes the `kubernetes` finalizer
 * from `spec.finalizers`, upon which the API server removes the namespace. Objects held by their
 * own finalizers or grace periods keep it Terminating; the key is looked at again with backoff.
 */
import type { Registry } from "prom-client";
import { isBeingDeleted, NAMESPACE_FINALIZER, namespaceFinalizersOf } from "../../api/deletion.ts";
import { RESOURCES, type ResourceInfo, resourceByPath } from "../../api/resources.ts";
import type { Namespace } from "../../api/types.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import { SharedInformers } from "../../client/shared-informers.ts";
import { WorkQueue } from "../../client/work-queue.ts";
import { logger } from "../../machinery/log.ts";
import { runWorkers, type SyncOutcome } from "../run-workers.ts";
import {
  cleanupConditions,
  type NamespaceCondition,
  planCleanup,
  type ResourceContent,
  sameConditions,
} from "./sync.ts";

const log = logger("namespace-controller");

const NAMESPACES = resourceByPath("", "namespaces") as ResourceInfo;

/** Kubernetes' GroupResource string: `pods`, `endpointslices.discovery.k8s.io`. */
function groupResource(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

/** Options of {@link startNamespaceController}. */
export interface NamespaceControllerOptions {
  client: RestClient;
  /** Share list + watch with the process's other components (`kdns up`); default: this controller's own. */
  informers?: SharedInformers;
  /** How long after a namespace turns Terminating its contents are deleted (default 5 s). */
  deletionDelayMs?: number;
  metrics?: Registry;
}

/** A running namespace controller. */
export interface NamespaceController {
  synced(): boolean;
  stopped(): Promise<void>;
}

/** Starts the controller; it runs until `signal` aborts. */
export function startNamespaceController(
  options: NamespaceControllerOptions,
  signal: AbortSignal,
): NamespaceController {
  const { client, metrics: registry } = options;
  const namespaces = (options.informers ?? new SharedInformers(client)).informer<Namespace>(
    NAMESPACES,
    registry ? { metrics: { registry, component: "controllers" } } : {},
  );
  // kube-controller-manager's namespace controller names its queue "namespace".
  const queue = new WorkQueue({
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    ...(registry ? { metrics: { registry, name: "namespace" } } : {}),
  });
  // As Kubernetes' namespace controller, start a few seconds after the delete: a client deleting
  // a namespace and then its contents (`kubectl delete -f`) must find them still there.
  const delayMs = options.deletionDelayMs ?? 5_000;
  const enqueue = (ns: Namespace): void => {
    if (isBeingDeleted(ns)) queue.addAfter(ns.metadata.name ?? "", delayMs);
  };
  namespaces.on("add", enqueue);
  namespaces.on("update", (_old, ns) => enqueue(ns));
  namespaces.start(signal);

  async function sync(name: string): Promise<SyncOutcome> {
    const ns = namespaces.get(undefined, name);
    if (!ns || !isBeingDeleted(ns) || !namespaceFinalizersOf(ns).includes(NAMESPACE_FINALIZER)) return "done";
    const contents: ResourceContent[] = [];
    const byName = new Map<string, ResourceInfo>();
    for (const info of RESOURCES) {
      if (!info.namespaced) continue;
      byName.set(groupResource(info), info);
      contents.push({ resource: groupResource(info), objects: (await client.list(info, name)).items });
    }
    const plan = planCleanup(contents);
    const failed = new Set<string>();
    for (const d of plan.deletes) {
      try {
        await client.delete(byName.get(d.resource) as ResourceInfo, name, d.name);
      } catch (err) {
        if (!(err instanceof ClientError && err.code === 404)) {
          log.warn({ namespace: name, resource: d.resource, object: d.name, err: String(err) }, "delete failed");
          failed.add(d.resource);
        }
      }
    }
    if (plan.empty && failed.size === 0) {
      const finalizers = namespaceFinalizersOf(ns).filter((f) => f !== NAMESPACE_FINALIZER);
      await client.update(NAMESPACES, { ...ns, spec: { ...ns.spec, finalizers } });
      return "done";
    }
    const status = (ns.status ?? {}) as { conditions?: NamespaceCondition[] };
    const previous = status.conditions ?? [];
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const conditions = cleanupConditions(plan, [...failed], previous, now);
    if (!sameConditions(previous, conditions))
      await client.update(NAMESPACES, { ...ns, status: { ...ns.status, conditions } } as Namespace, "status");
    return "requeue";
  }

  const workers = runWorkers({ queue, informers: [namespaces], sync, log, workers: 2, signal });
  return {
    synced: () => namespaces.hasSynced(),
    stopped: async () => {
      await workers;
      await namespaces.stopped();
    },
  };
}
