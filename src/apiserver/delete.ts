/**
 * The delete verb, as kube-apiserver's generic registry: preconditions, then either the object
 * leaves storage at once or it is marked as being deleted (see delete-plan.ts) and stays until its
 * finalizers are cleared (namespace controller, garbage collector) or its grace period ends.
 * Deleting a Namespace marks it Terminating; the namespace controller empties it.
 */
import type { ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { ApiError, conflict, notFound } from "../machinery/status.ts";
import { decodeObject, encodeObject } from "./codec.ts";
import type { ApiContext } from "./context.ts";
import type { DeleteOptions } from "./delete-options.ts";
import { planDeletion } from "./delete-plan.ts";
import { objectKey } from "./keys.ts";
import { SYSTEM_NAMESPACES } from "./namespaces.ts";
import { removedObject, removeStored } from "./remove.ts";
import { STALE_MESSAGE } from "./update.ts";

/** Attempts after which a delete racing other writers gives up. */
const MAX_ATTEMPTS = 16;

const TERMINATING_MESSAGE =
  "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.";

/**
 * Deletes one object; resolves to the object as it ends up: removed (its resourceVersion is the
 * delete's revision) or marked with its deletionTimestamp.
 */
export async function deleteObject(
  ctx: ApiContext,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions = { preconditions: {}, dryRun: false },
): Promise<KubeObject> {
  const target = { kind: info.resource, name, ...(info.group ? { group: info.group } : {}) };
  const pre = options.preconditions;
  const key = objectKey(info, namespace, name);
  if (!info.namespaced && info.resource === "namespaces" && SYSTEM_NAMESPACES.includes(name))
    throw new ApiError(403, "Forbidden", `namespace "${name}" is forbidden: this namespace may not be deleted`, target);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const kv = await ctx.storage.get(key);
    if (!kv) throw notFound(target);
    const current = decodeObject(kv);
    if (pre.uid !== undefined && pre.uid !== current.metadata.uid) {
      throw conflict(
        target,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ""}`,
      );
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== String(kv.modRevision))
      throw conflict(target, STALE_MESSAGE);
    const plan = planDeletion(info, current, options, Date.now());
    if (plan.type === "namespace-terminating") throw conflict(target, TERMINATING_MESSAGE);
    if (plan.type === "unchanged") return current;
    if (options.dryRun) return plan.type === "mark" ? plan.obj : current;
    if (plan.type === "remove") {
      const result = await removeStored(ctx, info, kv);
      if (result.type === "ok") return removedObject(result);
      if (result.type === "not-found") throw notFound(target);
    } else {
      const result = await ctx.storage.update(kv.key, encodeObject(plan.obj), kv.modRevision);
      if (result.type === "ok") return decodeObject(result.kv);
      if (result.type === "not-found") throw notFound(target);
    }
    if (pre.resourceVersion !== undefined) throw conflict(target, STALE_MESSAGE);
  }
  throw conflict(target, STALE_MESSAGE);
}
