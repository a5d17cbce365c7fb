/**
 * The one place an object leaves storage, whether a DELETE removes it at once or an update clears
 * the last finalizer of an object being deleted: a Service's cluster IP is released with it.
 */
import type { ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import type { KeyValue, SwapResult } from "../storage/storage.ts";
import { heldClusterIp } from "./cluster-ip/service-ips.ts";
import { decodeObject } from "./codec.ts";
import type { ApiContext } from "./context.ts";

/** Deletes `kv` if it is still at its mod revision; on success releases what the object held. */
export async function removeStored(ctx: ApiContext, info: ResourceInfo, kv: KeyValue): Promise<SwapResult> {
  const result = await ctx.storage.delete(kv.key, kv.modRevision);
  if (result.type === "ok" && info.group === "" && info.resource === "services") {
    const ip = heldClusterIp(decodeObject(kv));
    if (ip !== undefined) await ctx.ips.release(ip);
  }
  return result;
}

/** The object a successful removal answers with (its resourceVersion is the delete's revision). */
export function removedObject(result: Extract<SwapResult, { type: "ok" }>): KubeObject {
  return decodeObject(result.kv, result.kv.modRevision);
}
