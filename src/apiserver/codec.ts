/**
 * Stored values ↔ API objects. The resourceVersion is never trusted from the stored JSON: it is
 * always the key's modRevision (or the revision of a delete), as etcd3-backed kube-apiserver does.
 */
import type { KubeObject } from "../api/types.ts";
import type { KeyValue } from "../storage/storage.ts";

/** The API object held by `kv`, with `metadata.resourceVersion` set from `revision` (default its modRevision). */
export function decodeObject(kv: KeyValue, revision: number = kv.modRevision): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

/** The JSON text stored for `obj`, without its resourceVersion. */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}
