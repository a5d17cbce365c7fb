/**
 * The update verb (PUT) and the write step patch shares: optimistic concurrency on the stored
 * modRevision, status-subresource rules, generation bumps and Service IP immutability.
 */
import { isDeepStrictEqual } from "node:util";
import { finalizersOf, isBeingDeleted, readyToRemove } from "../api/deletion.ts";
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import { listTypes } from "../api/schemas/merge-keys.ts";
import type { KubeObject } from "../api/types.ts";
import { conflict, invalid, notFound } from "../machinery/status.ts";
import type { KeyValue } from "../storage/storage.ts";
import { admit } from "./admit.ts";
import { keepClusterIp } from "./cluster-ip/service-ips.ts";
import { decodeObject, encodeObject } from "./codec.ts";
import type { ApiContext } from "./context.ts";
import { objectKey } from "./keys.ts";
import { managersAfterUpdate } from "./managed-update.ts";
import { removeStored } from "./remove.ts";
import type { Subresource } from "./route.ts";
import { asKubeObject, checkName, checkNamespace } from "./type-meta.ts";

/** Kubernetes' wording for a stale resourceVersion. */
export const STALE_MESSAGE =
  "the object has been modified; please apply your changes to the latest version and try again";

/** Where an update goes. */
export interface UpdateTarget {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
  subresource: Subresource | undefined;
  /**
   * Who writes with a plain update or patch (the `fieldManager` query parameter, else the
   * client's name): it takes over the fields it changes (managed-update.ts). Unset for applies.
   */
  fieldManager?: string;
  /** `dryRun=All`: check and answer with the result, store nothing. */
  dryRun?: boolean;
}

/** Outcome of one compare-and-swap attempt. */
export type WriteResult = { type: "ok"; obj: KubeObject } | { type: "conflict" };

/** Attempts after which an unconditional update gives up on a hot key. */
const MAX_ATTEMPTS = 16;

function isNamespace(info: ResourceInfo): boolean {
  return info.group === "" && info.resource === "namespaces";
}

function target(t: UpdateTarget): { kind: string; name: string; group?: string } {
  return { kind: t.info.resource, name: t.name, ...(t.info.group ? { group: t.info.group } : {}) };
}

/** Metadata only the server writes: identity, and the deletion marks only a DELETE sets. */
const IDENTITY_FIELDS = [
  "uid",
  "creationTimestamp",
  "namespace",
  "name",
  "generateName",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
] as const;

/**
 * Once deletion started no finalizer may be added (kube-apiserver's
 * ValidateObjectMetaUpdate), or an object could be held forever by a finalizer nobody clears.
 */
function checkNoNewFinalizers(t: UpdateTarget, old: KubeObject, next: KubeObject): void {
  if (!isBeingDeleted(old)) return;
  const before = new Set(finalizersOf(old));
  const added = finalizersOf(next).filter((f) => !before.has(f));
  if (added.length === 0) return;
  throw invalid({ kind: t.info.kind, name: t.name, ...(t.info.group ? { group: t.info.group } : {}) }, [
    {
      field: "metadata.finalizers",
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
      reason: "FieldValueForbidden",
    },
  ]);
}

/**
 * Only `/finalize` changes a Namespace's spec.finalizers (kube-apiserver's namespaceStrategy keeps
 * them on a plain update, namespaceFinalizeStrategy takes them from the body); a body without
 * them empties the list rather than getting the create-time default back.
 */
function namespaceFinalizers(t: UpdateTarget, next: KubeObject, old: KubeObject): void {
  const spec = (next["spec"] ?? {}) as Record<string, unknown>;
  next["spec"] = spec;
  if (t.subresource === "finalize") spec["finalizers"] ??= [];
  else {
    const kept = (old["spec"] as { finalizers?: unknown } | undefined)?.finalizers;
    if (kept === undefined) delete spec["finalizers"];
    else spec["finalizers"] = structuredClone(kept);
  }
}

/** Everything that counts as the object's desired state for `metadata.generation`. */
function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}

/**
 * Who manages what after the write: an apply brings the entries it computed (apply.ts); a plain
 * write that names no managers (or writes `/status`) keeps the recorded ones, and its manager
 * takes over the fields it changed in its part of the object.
 */
function setManagers(t: UpdateTarget, old: KubeObject, desired: KubeObject, next: KubeObject): void {
  const given = desired.metadata["managedFields"];
  const recorded = old.metadata["managedFields"];
  const base = t.fieldManager !== undefined && t.subresource === "status" ? recorded : (given ?? recorded);
  if (base === undefined) delete next.metadata["managedFields"];
  else next.metadata["managedFields"] = base;
  if (t.fieldManager === undefined) return;
  const scope = t.subresource ?? "main";
  const managers = managersAfterUpdate(
    old,
    next,
    t.fieldManager,
    listTypes(t.info.schema),
    scope,
    apiVersionOf(t.info),
  );
  if (managers) next.metadata["managedFields"] = managers;
}

/** The object to store when `desired` replaces `old` through `t`. */
function nextObject(t: UpdateTarget, old: KubeObject, desired: KubeObject): KubeObject {
  let next: KubeObject;
  if (t.subresource === "status") {
    next = structuredClone(old);
    if (desired.status === undefined) delete next.status;
    else next.status = structuredClone(desired.status);
  } else {
    next = structuredClone(desired);
    if (t.info.statusSubresource) {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
    // Identity and system fields are the server's, whatever the body says.
    for (const field of IDENTITY_FIELDS) {
      const value = old.metadata[field];
      if (value === undefined) delete next.metadata[field];
      else (next.metadata as Record<string, unknown>)[field] = value;
    }
    if (t.info.group === "" && t.info.resource === "services") keepClusterIp(next, old);
    if (isNamespace(t.info)) namespaceFinalizers(t, next, old);
  }
  setManagers(t, old, desired, next);
  checkNoNewFinalizers(t, old, next);
  if (isBeingDeleted(old) && isNamespace(t.info))
    next["status"] = { ...((next["status"] as object | undefined) ?? {}), phase: "Terminating" };
  // Defaults first: a body that leaves out what defaulting fills in is the same desired state.
  admit(t.info, next, old);
  const oldGeneration = old.metadata.generation ?? 1;
  next.metadata.generation = isDeepStrictEqual(specPart(next), specPart(old)) ? oldGeneration : oldGeneration + 1;
  delete next.metadata.resourceVersion;
  return next;
}

/** Writes `desired` over the stored `kv` if it is still current. */
export async function writeOver(
  ctx: ApiContext,
  t: UpdateTarget,
  kv: KeyValue,
  desired: KubeObject,
): Promise<WriteResult> {
  const next = nextObject(t, decodeObject(kv), desired);
  // A dry run answers with the object as it would be stored, at the version it was decided on.
  if (t.dryRun)
    return { type: "ok", obj: { ...next, metadata: { ...next.metadata, resourceVersion: String(kv.modRevision) } } };
  const result = await ctx.storage.update(kv.key, encodeObject(next), kv.modRevision);
  if (result.type === "ok") {
    // The update that clears the last finalizer of an object being deleted completes its deletion.
    if (readyToRemove(next, isNamespace(t.info))) await removeStored(ctx, t.info, result.kv);
    return { type: "ok", obj: decodeObject(result.kv) };
  }
  if (result.type === "not-found") throw notFound(target(t));
  return { type: "conflict" };
}

/** The stored value, or 404. */
export async function currentValue(ctx: ApiContext, t: UpdateTarget): Promise<KeyValue> {
  const kv = await ctx.storage.get(objectKey(t.info, t.namespace, t.name));
  if (!kv) throw notFound(target(t));
  return kv;
}

/**
 * Applies `desired` through `t`. With a `metadata.resourceVersion` it must be the stored one
 * (else 409 Conflict); without one the update is unconditional and retried on races.
 */
export async function applyUpdate(ctx: ApiContext, t: UpdateTarget, desired: KubeObject): Promise<KubeObject> {
  const precondition = desired.metadata.resourceVersion || undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const kv = await currentValue(ctx, t);
    if (precondition !== undefined && precondition !== String(kv.modRevision)) throw conflict(target(t), STALE_MESSAGE);
    const result = await writeOver(ctx, t, kv, desired);
    if (result.type === "ok") return result.obj;
    if (precondition !== undefined) throw conflict(target(t), STALE_MESSAGE);
  }
  throw conflict(target(t), STALE_MESSAGE);
}

/** PUT: replaces an object (or only its status) with a request body. */
export async function updateObject(ctx: ApiContext, t: UpdateTarget, raw: unknown): Promise<KubeObject> {
  const obj = asKubeObject(t.info, raw);
  checkNamespace(t.info, obj, t.namespace);
  checkName(obj, t.name);
  return await applyUpdate(ctx, t, obj);
}
