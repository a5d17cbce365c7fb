/**
 * Stored values ↔ API objects. The resourceVersion is never trusted from the stored JSON: it is
 * always the key's modRevision (or the revision of a delete), as etcd3-backed kube-apiserver does.
 */
import type { KubeObject } from "../api/types.ts";
import type { KeyValue } from "../storage/storage.ts";

/**
 * The API object held by `kv`, with `metadata.resourceVersion` set from `revision` (default its
 * modRevision). A value that is not JSON fails naming the key only: the parser's own message
 * quotes the text, which may be a Secret's, and the error ends up in the log.
 */
export function decodeObject(kv: KeyValue, revision: number = kv.modRevision): KubeObject {
  let obj: KubeObject;
  try {
    obj = JSON.parse(kv.value) as KubeObject;
  } catch {
    throw new Error(`stored value of ${kv.key} is not valid JSON`);
  }
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

/** The JSON text stored for `obj`, without its resourceVersion. */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}
