/**
 * Keeps `default/kubernetes` current, as kube-apiserver's endpoint reconciler does: every
 * interval, renew this server's lease, read the live leases, and write the Service, Endpoints and
 * EndpointSlices (desired.ts) where they differ — through the API's own create and update, so
 * they are defaulted, validated and seen by watches like any other write. A clean stop drops the
 * lease and reconciles once more, so the other servers' clients stop being sent here at once.
 */
import { isDeepStrictEqual } from "node:util";
import { type ResourceInfo, resourceByPath } from "../../api/resources.ts";
import type { EndpointSlice, Endpoints, KubeObject, Service } from "../../api/types.ts";
import { logger } from "../../machinery/log.ts";
import { ApiError } from "../../machinery/status.ts";
import { numberToIpv4 } from "../cluster-ip/cidr.ts";
import { decodeObject } from "../codec.ts";
import type { ApiContext } from "../context.ts";
import { createObject } from "../create.ts";
import { deleteObject } from "../delete.ts";
import { collectionPrefix, objectKey } from "../keys.ts";
import { applyUpdate } from "../update.ts";
import {
  type ApiEndpoint,
  desiredEndpointSlices,
  desiredEndpoints,
  desiredService,
  KUBERNETES_NAME,
  KUBERNETES_NAMESPACE,
  SLICE_MANAGED_BY,
} from "./desired.ts";
import { dropLease, liveEndpoints, renewLease } from "./leases.ts";

const log = logger("apiserver");

function resource(group: string, plural: string): ResourceInfo {
  const info = resourceByPath(group, plural);
  if (!info) throw new Error(`resource ${plural} is not in the resource table`);
  return info;
}

const SERVICES = resource("", "services");
const ENDPOINTS = resource("", "endpoints");
const SLICES = resource("discovery.k8s.io", "endpointslices");

/** Options of {@link startKubernetesService}. */
export interface KubernetesServiceOptions {
  /** This server as clients reach it; undefined when its listen address names no IP (then it holds no lease). */
  self: ApiEndpoint | undefined;
  /** How often to renew and reconcile (kube-apiserver: 10 s). */
  intervalMs: number;
  /** How long a lease lives without renewal (kube-apiserver: 15 s). */
  ttlMs: number;
}

/** A running reconciler. */
export interface KubernetesServiceReconciler {
  /** Runs one pass now (after any pass under way). */
  reconcile(): Promise<void>;
  /** Stops the timer, drops this server's lease and reconciles once more. */
  stop(): Promise<void>;
}

async function read<T extends KubeObject>(ctx: ApiContext, info: ResourceInfo, name: string): Promise<T | undefined> {
  const kv = await ctx.storage.get(objectKey(info, KUBERNETES_NAMESPACE, name));
  return kv ? (decodeObject(kv) as T) : undefined;
}

/** Creates `want`, or updates the stored object to `merge(current)` when `same(current)` is false. */
async function ensure<T extends KubeObject>(
  ctx: ApiContext,
  info: ResourceInfo,
  want: T,
  same: (current: T) => boolean,
  merge: (current: T) => T,
): Promise<void> {
  const name = want.metadata.name ?? "";
  const current = await read<T>(ctx, info, name);
  try {
    // Written as kube-apiserver, the manager Kubernetes records for these objects.
    const t = { info, namespace: KUBERNETES_NAMESPACE, name, subresource: undefined, fieldManager: "kube-apiserver" };
    if (!current) await createObject(ctx, info, KUBERNETES_NAMESPACE, want, { fieldManager: t.fieldManager });
    else if (!same(current)) await applyUpdate(ctx, t, merge(current));
  } catch (err) {
    // Another API server wrote first: the next pass reads what it wrote.
    if (err instanceof ApiError && (err.status.reason === "AlreadyExists" || err.status.reason === "Conflict")) return;
    throw err;
  }
}

function withLabels<T extends KubeObject>(current: T, want: T): T["metadata"] {
  return { ...current.metadata, labels: { ...current.metadata.labels, ...want.metadata.labels } };
}

function hasLabels(current: KubeObject, want: KubeObject): boolean {
  return Object.entries(want.metadata.labels ?? {}).every(([k, v]) => current.metadata.labels?.[k] === v);
}

async function ensureService(ctx: ApiContext, live: ApiEndpoint[], warn: (why: string) => void): Promise<void> {
  const want = desiredService(live, numberToIpv4(ctx.ips.range.base + 1));
  // With no server left (the last one stopping), the Service stays as it is, as on any cluster.
  if (!want) return;
  try {
    await ensure<Service>(
      ctx,
      SERVICES,
      want,
      (cur) => cur.spec?.type === want.spec.type && isDeepStrictEqual(cur.spec?.ports, want.spec.ports),
      (cur) => ({ ...cur, spec: { ...cur.spec, type: "ClusterIP", ports: want.spec.ports ?? [] } }),
    );
  } catch (err) {
    // The first service address held by another Service: kube-apiserver cannot create it either.
    if (err instanceof ApiError && err.status.reason === "Invalid") return warn(err.message);
    throw err;
  }
}

async function ensureEndpoints(ctx: ApiContext, live: ApiEndpoint[]): Promise<void> {
  const want = desiredEndpoints(live);
  await ensure<Endpoints>(
    ctx,
    ENDPOINTS,
    want,
    (cur) => hasLabels(cur, want) && isDeepStrictEqual(cur.subsets ?? [], want.subsets),
    (cur) => ({ ...cur, metadata: withLabels(cur, want), subsets: want.subsets ?? [] }),
  );
}

async function ensureSlices(ctx: ApiContext, live: ApiEndpoint[]): Promise<void> {
  const wanted = desiredEndpointSlices(live);
  for (const want of wanted) {
    await ensure<EndpointSlice>(
      ctx,
      SLICES,
      want,
      (cur) =>
        hasLabels(cur, want) &&
        cur.addressType === want.addressType &&
        isDeepStrictEqual(cur.endpoints, want.endpoints) &&
        isDeepStrictEqual(cur.ports ?? [], want.ports),
      (cur) => ({ ...cur, ...want, metadata: withLabels(cur, want) }),
    );
  }
  const page = await ctx.storage.list(collectionPrefix(SLICES, KUBERNETES_NAMESPACE));
  for (const kv of page.items) {
    const slice = decodeObject(kv);
    const name = slice.metadata.name ?? "";
    const ours = slice.metadata.labels?.["endpointslice.kubernetes.io/managed-by"] === SLICE_MANAGED_BY;
    if (!ours || wanted.some((w) => w.metadata.name === name)) continue;
    try {
      await deleteObject(ctx, SLICES, KUBERNETES_NAMESPACE, name, {
        preconditions: { resourceVersion: String(kv.modRevision) },
        dryRun: false,
      });
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
  }
}

/** Reconciles once now, then every `intervalMs` until stopped. */
export async function startKubernetesService(
  ctx: ApiContext,
  options: KubernetesServiceOptions,
): Promise<KubernetesServiceReconciler> {
  const { self, intervalMs, ttlMs } = options;
  let warned = false;
  const warn = (why: string): void => {
    if (!warned) log.warn({ why }, `cannot keep the ${KUBERNETES_NAME} service`);
    warned = true;
  };
  const pass = async (renew: boolean): Promise<void> => {
    const now = Date.now();
    if (renew && self) await renewLease(ctx.storage, self, ttlMs, now);
    const live = await liveEndpoints(ctx.storage, now);
    await ensureService(ctx, live, warn);
    await ensureEndpoints(ctx, live);
    await ensureSlices(ctx, live);
  };
  let running: Promise<void> = Promise.resolve();
  const run = (renew: boolean): Promise<void> => {
    running = running.then(() =>
      pass(renew).catch((err: unknown) => log.warn({ err }, `reconciling the ${KUBERNETES_NAME} service failed`)),
    );
    return running;
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(() => {
      void run(true).then(() => {
        if (!stopped) schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  await run(true);
  schedule();
  return {
    reconcile: () => run(true),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (self) await dropLease(ctx.storage, self).catch(() => undefined);
      await run(false);
    },
  };
}
