/**
 * The pod termination controller: stands in for the kubelet kdns does not run. An informer on
 * pods queues each terminating pod for when its grace period ends; the sync then deletes it with
 * `gracePeriodSeconds=0` (pinned to its uid), which removes it, or leaves it to its finalizers.
 * Until then the pod is terminating: the endpoints controller already leaves it out of ready
 * addresses, so DNS and the gateway stop sending clients to it at the first delete.
 */
import type { Registry } from "prom-client";
import { type ResourceInfo, resourceByPath } from "../../api/resources.ts";
import type { KubeObject } from "../../api/types.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import { SharedInformers } from "../../client/shared-informers.ts";
import { WorkQueue } from "../../client/work-queue.ts";
import { logger } from "../../machinery/log.ts";
import { runWorkers, type SyncOutcome } from "../run-workers.ts";
import { graceLeftMs } from "./sync.ts";

const log = logger("pod-termination-controller");

const PODS = resourceByPath("", "pods") as ResourceInfo;

/** What the controller keeps of a pod. */
type PodMeta = Pick<KubeObject, "metadata">;

/** What the cache holds for every pod not being deleted: one shared value (nothing to schedule). */
const NOT_TERMINATING: PodMeta = Object.freeze({ metadata: Object.freeze({}) });

/**
 * Only the metadata the grace period is read from (and the uid the delete is pinned to), and only
 * for terminating pods: the other pods of 100,000 cost this cache one shared value each.
 */
function podMeta(pod: KubeObject): PodMeta {
  if (graceLeftMs(pod, 0) === undefined) return NOT_TERMINATING;
  const metadata: Record<string, unknown> = {};
  for (const field of ["uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"])
    if (pod.metadata[field] !== undefined) metadata[field] = pod.metadata[field];
  return { metadata };
}

/** Options of {@link startPodTerminationController}. */
export interface PodTerminationOptions {
  client: RestClient;
  metrics?: Registry;
  /** Share list + watch with the process's other components (`kdns up`); default: this controller's own. */
  informers?: SharedInformers;
}

/** A running pod termination controller. */
export interface PodTerminationController {
  synced(): boolean;
  stopped(): Promise<void>;
}

/** Starts the controller; it runs until `signal` aborts. */
export function startPodTerminationController(
  options: PodTerminationOptions,
  signal: AbortSignal,
): PodTerminationController {
  const { client, metrics: registry } = options;
  const shared = options.informers ?? new SharedInformers(client);
  const pods = shared.informer<KubeObject, PodMeta>(PODS, {
    transform: podMeta,
    ...(registry ? { metrics: { registry, component: "pod-termination" } } : {}),
  });
  const queue = new WorkQueue({
    maxDelayMs: 5_000,
    ...(registry ? { metrics: { registry, name: "pod_termination" } } : {}),
  });
  const schedule = (p: PodMeta, namespace: string, name: string): void => {
    const left = graceLeftMs(p as KubeObject, Date.now());
    if (left !== undefined) queue.addAfter(`${namespace}/${name}`, Math.max(0, left));
  };
  pods.on("add", schedule);
  pods.on("update", (_old, p, namespace, name) => schedule(p, namespace, name));
  pods.start(signal);

  async function sync(key: string): Promise<SyncOutcome> {
    const slash = key.indexOf("/");
    const [namespace, name] = [key.slice(0, slash), key.slice(slash + 1)];
    const pod = pods.get(namespace, name);
    const left = pod && graceLeftMs(pod as KubeObject, Date.now());
    if (!pod || left === undefined) return "done";
    if (left > 0) {
      queue.addAfter(key, left);
      return "done";
    }
    try {
      await client.delete(PODS, namespace, name, {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid ?? "" },
      });
    } catch (err) {
      if (!(err instanceof ClientError && err.code === 404)) throw err;
    }
    return "done";
  }

  const workers = runWorkers({ queue, informers: [pods], sync, log, workers: 1, signal });
  return {
    synced: () => pods.hasSynced(),
    stopped: async () => {
      await workers;
      await pods.stopped();
    },
  };
}
