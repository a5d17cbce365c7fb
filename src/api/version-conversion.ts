/**
 * Conversion of objects between the versions a resource is served at (pure), with the storage
 * version as the hub, as kube-apiserver converts through its internal version: an object of any
 * served version goes to the storage version on the way in, and from whatever version it was
 * stored at to the requested one on the way out (so objects stored before the storage version
 * changed still read right).
 */
import { apiVersionOf, type ResourceInfo } from "./resources.ts";
import type { KubeObject } from "./types.ts";

/** Whether objects of `info` may need converting: it is served at more than one version. */
export function hasOtherVersions(info: ResourceInfo): boolean {
  return info.storageInfo !== undefined || (info.alsoServed?.length ?? 0) > 0;
}

/** `obj`, of any version `info`'s resource is served at, as stored (at the storage version). */
export function toStorageVersion(info: ResourceInfo, obj: KubeObject): KubeObject {
  const storage = info.storageInfo ?? info;
  const stored = apiVersionOf(storage);
  if (obj.apiVersion === stored) return obj;
  const from = storage.alsoServed?.find(
    (v) => apiVersionOf({ group: storage.group, version: v.name }) === obj.apiVersion,
  );
  const converted = from?.toStorage ? from.toStorage(obj) : obj;
  return { ...converted, apiVersion: stored };
}

/** `obj`, as read from storage (at whatever version it was stored), at the version `info` serves. */
export function toServedVersion(info: ResourceInfo, obj: KubeObject): KubeObject {
  const wanted = apiVersionOf(info);
  if (obj.apiVersion === wanted) return obj;
  const stored = toStorageVersion(info, obj);
  const storage = info.storageInfo;
  if (storage === undefined) return stored;
  const to = storage.alsoServed?.find((v) => v.name === info.version);
  const converted = to?.fromStorage ? to.fromStorage(stored) : stored;
  return { ...converted, apiVersion: wanted };
}
