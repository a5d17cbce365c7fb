/**
 * The endpoints controller: informers on Services, Pods, Endpoints and our EndpointSlices feed a
 * work queue of Service keys; each sync recomputes the desired objects from the caches only
 * (sync.ts), compares, and writes on a difference with the resourceVersion it read. Any write
 * failure (a 409 included) requeues the key with backoff; level triggering makes that safe.
 */
import type { Registry } from "prom-client";
import { isBeingDeleted } from "../../api/deletion.ts";
import { type ResourceInfo, resourceByPath } from "../../api/resources.ts";
import type { EndpointSlice, Endpoints, KubeObject, Pod, Service } from "../../api/types.ts";
import { TRIGGER_TIME_ANNOTATION } from "../../api/well-known.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import { SharedInformers } from "../../client/shared-informers.ts";
import { WorkQueue } from "../../client/work-queue.ts";
import type { LabelSelector } from "../../machinery/labels.ts";
import { logger } from "../../machinery/log.ts";
import { type Digested, digestEndpoints, digested, digestSlice, endpointsDigest, sliceDigest } from "./compare.ts";
import { EndpointsLookups } from "./lookups.ts";
import { OwnWrites } from "./own-writes.ts";
import { slimPod } from "./pods.ts";
import {
  desiredEndpointSlices,
  desiredEndpoints,
  ENDPOINTS_MANAGED_BY,
  ENDPOINTS_MANAGED_BY_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
} from "./sync.ts";

const log = logger("endpoints-controller");

function resource(group: string, plural: string): ResourceInfo {
  const info = resourceByPath(group, plural);
  if (!info) throw new Error(`resource ${plural} is not in the resource table`);
  return info;
}

/** Options of {@link startEndpointsController}. */
export interface EndpointsControllerOptions {
  client: RestClient;
  /**
   * Concurrent syncs (default 10, kube-controller-manager's 5 endpoints + 5 EndpointSlice syncs);
   * one key is never synced twice at once. A sync waits on a write, so throughput is workers over
   * write latency: with 4 and 60 ms writes under load, 100 readiness changes a second queued up.
   */
  workers?: number;
  /** Count the queue (`workqueue_*{name="endpoint"}`) and the informers (`kdns_informer_*`) here. */
  metrics?: Registry;
  /** Share list + watch with the process's other components (`kdns up`); default: this controller's own. */
  informers?: SharedInformers;
}

/** A running endpoints controller. */
export interface EndpointsController {
  /** Whether all four caches have loaded. */
  synced(): boolean;
  /** Resolves after `signal` aborted and every worker and informer has stopped. */
  stopped(): Promise<void>;
}

/** Starts the controller; it runs until `signal` aborts. */
export function startEndpointsController(
  options: EndpointsControllerOptions,
  signal: AbortSignal,
): EndpointsController {
  const { client, metrics: registry } = options;
  const shared = options.informers ?? new SharedInformers(client);
  const measured = registry ? { metrics: { registry, component: "controllers" } } : {};
  const info = {
    services: resource("", "services"),
    pods: resource("", "pods"),
    endpoints: resource("", "endpoints"),
    slices: resource("discovery.k8s.io", "endpointslices"),
  };
  const services = shared.informer<Service>(info.services, measured);
  const pods = shared.informer<Pod>(info.pods, { transform: slimPod, ...measured });
  const ownEndpoints = new OwnWrites<Digested>();
  const ownSlices = new OwnWrites<Digested>();
  const key = (o: KubeObject, name = o.metadata.name): string => `${o.metadata.namespace ?? ""}/${name ?? ""}`;
  // Our own write coming back is cached as written: its digest was computed for the write.
  const endpoints = shared.informer<Endpoints, Digested>(info.endpoints, {
    transform: (e) => ownEndpoints.writtenAs(key(e), e) ?? digestEndpoints(e),
    ...measured,
  });
  const slices = shared.informer<EndpointSlice, Digested>(info.slices, {
    labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}`,
    transform: (s) => ownSlices.writtenAs(key(s), s) ?? digestSlice(s),
    ...measured,
  });
  const lookups = new EndpointsLookups({ services, pods, slices });
  // kube-controller-manager's endpoints controller names its queue "endpoint".
  const queue = new WorkQueue({
    maxDelayMs: 5_000,
    ...(registry ? { metrics: { registry, name: "endpoint" } } : {}),
  });
  /**
   * When the first change a key's next sync answers was seen: written on the Endpoints as
   * Kubernetes' last-change-trigger-time, from which DNS measures how long a change took to serve.
   */
  const triggers = new Map<string, string>();
  const enqueue = (k: string): void => {
    if (!triggers.has(k)) triggers.set(k, new Date().toISOString());
    queue.add(k);
  };

  const enqueueService = (s: Service): void => enqueue(key(s));
  services.on("add", enqueueService);
  services.on("update", (_old, s) => enqueueService(s));
  services.on("delete", enqueueService);

  const enqueueForPod = (namespace: string, ...versions: Pod[]): void => {
    for (const name of lookups.servicesOfPod(namespace, ...versions)) enqueue(`${namespace}/${name}`);
  };
  pods.on("add", (p, namespace) => enqueueForPod(namespace, p));
  pods.on("update", (old, p, namespace) => enqueueForPod(namespace, old, p));
  pods.on("delete", (p, namespace) => enqueueForPod(namespace, p));

  // Our own writes come back as events too: those answer the sync that wrote them and are not
  // synced again; any other change (someone else's write, a delete) is.
  const enqueueOwner = (e: Digested): void => {
    if (!ownEndpoints.isEcho(key(e), e)) enqueue(key(e));
  };
  endpoints.on("add", enqueueOwner);
  endpoints.on("update", (_old, e) => enqueueOwner(e));
  endpoints.on("delete", (e) => {
    ownEndpoints.deleted(key(e), e);
    enqueue(key(e));
  });
  const enqueueSliceOwner = (s: Digested, echoes: boolean): void => {
    const owner = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!owner || s.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return;
    if (!(echoes && ownSlices.isEcho(key(s), s))) enqueue(key(s, owner));
  };
  slices.on("add", (s) => enqueueSliceOwner(s, true));
  slices.on("update", (_old, s) => enqueueSliceOwner(s, true));
  slices.on("delete", (s) => {
    ownSlices.deleted(key(s), s);
    enqueueSliceOwner(s, false);
  });

  const informers = [services, pods, endpoints, slices];
  for (const inf of informers) inf.start(signal);

  async function syncEndpoints(
    ns: string,
    name: string,
    service: Service | undefined,
    selected: Selected,
    trigger: string | undefined,
  ): Promise<void> {
    const k = `${ns}/${name}`;
    const current = ownEndpoints.current(k, endpoints.get(ns, name));
    const desired = service ? desiredEndpoints(service, selected.pods, selected.selector) : undefined;
    if (desired && trigger) desired.metadata.annotations = { [TRIGGER_TIME_ANNOTATION]: trigger };
    // A Service deleted or being deleted leaves its Endpoints and slices to the garbage collector.
    if (!service || isBeingDeleted(service)) return;
    if (!desired) {
      if (current?.metadata.labels?.[ENDPOINTS_MANAGED_BY_LABEL] === ENDPOINTS_MANAGED_BY)
        await ignoreNotFound(client.delete(info.endpoints, ns, name));
      ownEndpoints.forget(k);
      return;
    }
    const want = endpointsDigest(desired);
    try {
      if (!current) {
        ownEndpoints.sending(k, want);
        ownEndpoints.wrote(k, digested(await client.create<Endpoints>(info.endpoints, ns, desired), want));
      } else if (current.digest !== want) {
        const annotations = { ...current.metadata.annotations, ...desired.metadata.annotations };
        ownEndpoints.sending(k, want);
        const updated = await client.update<Endpoints>(info.endpoints, {
          apiVersion: desired.apiVersion,
          kind: desired.kind,
          metadata: { ...current.metadata, labels: desired.metadata.labels ?? {}, annotations, ...ownerRefs(desired) },
          subsets: desired.subsets,
        });
        ownEndpoints.wrote(k, digested(updated, want));
      }
    } catch (err) {
      ownEndpoints.forget(k);
      throw err;
    }
  }

  async function syncSlices(ns: string, name: string, service: Service | undefined, selected: Selected): Promise<void> {
    if (!service || isBeingDeleted(service)) return;
    const ours = lookups.slicesOf(ns, name);
    const desired = desiredEndpointSlices(service, selected.pods, selected.selector);
    for (const want of desired) {
      const k = `${ns}/${want.metadata.name}`;
      const current = ownSlices.current(
        k,
        ours.find((s) => s.metadata.name === want.metadata.name),
      );
      try {
        const digest = sliceDigest(want);
        if (!current) {
          ownSlices.sending(k, digest);
          ownSlices.wrote(k, digested(await client.create<EndpointSlice>(info.slices, ns, want), digest));
        } else if (current.digest !== digest) {
          ownSlices.sending(k, digest);
          const updated = await client.update<EndpointSlice>(info.slices, {
            ...want,
            metadata: { ...current.metadata, labels: want.metadata.labels ?? {}, ...ownerRefs(want) },
          });
          ownSlices.wrote(k, digested(updated, digest));
        }
      } catch (err) {
        ownSlices.forget(k);
        throw err;
      }
    }
    for (const s of ours) {
      if (!desired.some((d) => d.metadata.name === s.metadata.name)) {
        await ignoreNotFound(client.delete(info.slices, ns, s.metadata.name ?? ""));
        ownSlices.forget(`${ns}/${s.metadata.name}`);
      }
    }
  }

  async function sync(k: string): Promise<void> {
    const slash = k.indexOf("/");
    const ns = k.slice(0, slash);
    const name = k.slice(slash + 1);
    const service = services.get(ns, name);
    const trigger = triggers.get(k);
    triggers.delete(k);
    // Found once for both writes: through the label index, matched with the selector kept for the Service.
    const selected: Selected = service
      ? { pods: lookups.candidatePods(service), selector: lookups.selectorOf(ns, name) }
      : { pods: [], selector: undefined };
    try {
      // Independent objects: written side by side, so a sync takes one write's time, not two. Both
      // finish before the key is released, so no write of this key outlives its sync.
      const results = await Promise.allSettled([
        syncEndpoints(ns, name, service, selected, trigger),
        syncSlices(ns, name, service, selected),
      ]);
      for (const r of results) if (r.status === "rejected") throw r.reason;
    } catch (err) {
      // The retry still answers the same change.
      if (trigger && !triggers.has(k)) triggers.set(k, trigger);
      throw err;
    }
  }

  async function worker(): Promise<void> {
    for (;;) {
      const k = await queue.get(signal);
      if (k === undefined) return;
      try {
        await sync(k);
        queue.forget(k);
      } catch (err) {
        if (!signal.aborted) {
          const level = err instanceof ClientError && err.code === 409 ? "debug" : "warn";
          log[level]({ key: k, err: String(err), retries: queue.numRequeues(k) }, "endpoints sync failed; requeued");
          queue.addRateLimited(k);
        }
      } finally {
        queue.done(k);
      }
    }
  }

  const workers = (async () => {
    try {
      await Promise.all(informers.map((inf) => inf.waitForSync(signal)));
    } catch {
      return;
    }
    log.info({ services: services.size, pods: pods.size }, "caches synced; endpoints controller running");
    await Promise.all(Array.from({ length: options.workers ?? 10 }, () => worker()));
  })();
  if (signal.aborted) queue.shutDown();
  else signal.addEventListener("abort", () => queue.shutDown(), { once: true });

  return {
    synced: () => informers.every((inf) => inf.hasSynced()),
    stopped: async () => {
      await workers;
      await Promise.all(informers.map((inf) => inf.stopped()));
    },
  };
}

/** A Service's candidate pods and its kept selector, for one sync. */
interface Selected {
  pods: Pod[];
  selector: LabelSelector | undefined;
}

function ownerRefs(obj: KubeObject): Pick<KubeObject["metadata"], "ownerReferences"> {
  return obj.metadata.ownerReferences ? { ownerReferences: obj.metadata.ownerReferences } : {};
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ClientError && err.code === 404)) throw err;
  }
}
