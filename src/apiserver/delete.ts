/**
 * The delete verb. Deletion is immediate (kdns has no finalizers); a Service's cluster IP is
 * released, and deleting a Namespace first deletes everything it holds.
 */
import { RESOURCES, type ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { ApiError, conflict, notFound } from "../machinery/status.ts";
import { heldClusterIp } from "./cluster-ip/service-ips.ts";
import { decodeObject } from "./codec.ts";
import type { ApiContext } from "./context.ts";
import { collectionPrefix, objectKey } from "./keys.ts";
import { SYSTEM_NAMESPACES } from "./namespaces.ts";
import { STALE_MESSAGE } from "./update.ts";

/** Preconditions of a delete (metav1.Preconditions in DeleteOptions). */
export interface DeletePreconditions {
  resourceVersion?: string;
  uid?: string;
}

function isService(info: ResourceInfo): boolean {
  return info.group === "" && info.resource === "services";
}

/** Deletes one object; resolves to the deleted object (its resourceVersion is the delete's revision). */
export async function deleteObject(
  ctx: ApiContext,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  pre: DeletePreconditions = {},
): Promise<KubeObject> {
  const target = { kind: info.resource, name, ...(info.group ? { group: info.group } : {}) };
  const key = objectKey(info, namespace, name);
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
  if (!info.namespaced && info.resource === "namespaces") {
    if (SYSTEM_NAMESPACES.includes(name))
      throw new ApiError(
        403,
        "Forbidden",
        `namespace "${name}" is forbidden: this namespace may not be deleted`,
        target,
      );
    await emptyNamespace(ctx, name);
  }
  const result = await ctx.storage.delete(key, pre.resourceVersion !== undefined ? kv.modRevision : undefined);
  if (result.type === "not-found") throw notFound(target);
  if (result.type === "conflict") throw conflict(target, STALE_MESSAGE);
  if (isService(info)) {
    const ip = heldClusterIp(current);
    if (ip !== undefined) await ctx.ips.release(ip);
  }
  return decodeObject(result.kv, result.kv.modRevision);
}

/** Deletes every namespaced object in `namespace`. */
async function emptyNamespace(ctx: ApiContext, namespace: string): Promise<void> {
  for (const info of RESOURCES) {
    if (!info.namespaced) continue;
    for (;;) {
      const page = await ctx.storage.list(collectionPrefix(info, namespace), { limit: 500 });
      for (const kv of page.items) {
        const obj = decodeObject(kv);
        try {
          await deleteObject(ctx, info, namespace, obj.metadata.name ?? "");
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
      if (!page.more) break;
    }
  }
}
