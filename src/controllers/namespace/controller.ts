/**
 * The namespace controller: an informer on Namespaces queues every namespace being deleted; a
 * sync reads what the namespace still holds from the shared object informers' namespace index
 * (object-informers.ts: no list of a whole kind, no API list per pass), deletes what is not being
 * deleted yet, writes the conditions that say what is left, and once nothing is left (confirmed
 * with one live list per resource, since a cache may lag behind a create) removes the
 * `kubernetes` finalizer through `/finalize`, upon which the API server removes the namespace.
 * Objects held by their own finalizers or grace periods keep it Terminating; the namespace is
 * looked at again when its content goes, and with backoff.
 */
import type { Registry } from "prom-client";
import { isBeingDeleted, NAMESPACE_FINALIZER, namespaceFinalizersOf } from "../../api/deletion.ts";
import { RESOURCES, type ResourceInfo, resourceByPath } from "../../api/resources.ts";
import type { Namespace } from "../../api/types.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import { SharedInformers } from "../../client/shared-informers.ts";
import { WorkQueue } from "../../client/work-queue.ts";
import { logger } from "../../machinery/log.ts";
import type { ObjectInformers } from "../object-informers.ts";
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
  /** The object informers; the caller starts them once every controller has registered. */
  objects: ObjectInformers;
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
  const { client, objects, metrics: registry } = options;
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
  // When each namespace was first seen Terminating: its content is left alone until delayMs later.
  const terminatingSince = new Map<string, number>();
  const enqueue = (ns: Namespace): void => {
    const name = ns.metadata.name ?? "";
    if (!isBeingDeleted(ns)) return;
    let since = terminatingSince.get(name);
    if (since === undefined) terminatingSince.set(name, (since = Date.now()));
    queue.addAfter(name, since + delayMs - Date.now());
  };
  namespaces.on("add", enqueue);
  namespaces.on("update", (_old, ns) => enqueue(ns));
  namespaces.on("delete", (_ns, _namespace, name) => terminatingSince.delete(name));
  // Content going away may be what a Terminating namespace waits for.
  objects.on("delete", (_node, namespace) => {
    const ns = namespace === "" ? undefined : namespaces.get(undefined, namespace);
    if (ns) enqueue(ns);
  });
  namespaces.start(signal);

  async function sync(name: string): Promise<SyncOutcome> {
    const ns = namespaces.get(undefined, name);
    if (!ns || !isBeingDeleted(ns) || !namespaceFinalizersOf(ns).includes(NAMESPACE_FINALIZER)) return "done";
    const contents: ResourceContent[] = [];
    const byName = new Map<string, ResourceInfo>();
    for (const info of RESOURCES) {
      if (!info.namespaced) continue;
      byName.set(groupResource(info), info);
      contents.push({ resource: groupResource(info), objects: objects.inNamespace(info, name) });
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
    if (plan.empty && failed.size === 0 && (await confirmedEmpty(name))) {
      const finalizers = namespaceFinalizersOf(ns).filter((f) => f !== NAMESPACE_FINALIZER);
      // As Kubernetes' namespace controller: spec.finalizers change only through `/finalize`.
      await client.update(NAMESPACES, { ...ns, spec: { ...ns.spec, finalizers } }, "finalize");
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

  /** Whether the API has nothing left in the namespace either: one object per resource at most is read. */
  async function confirmedEmpty(name: string): Promise<boolean> {
    for (const info of RESOURCES)
      if (info.namespaced && (await client.list(info, name, { limit: 1 })).items.length > 0) return false;
    return true;
  }

  const workers = runWorkers({
    queue,
    informers: [namespaces, ...objects.informers],
    sync,
    log,
    workers: 2,
    signal,
  });
  return {
    synced: () => namespaces.hasSynced(),
    stopped: async () => {
      await workers;
      await namespaces.stopped();
    },
  };
}
