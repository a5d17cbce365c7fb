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

/**
 * The JSON text stored for `obj`, without its resourceVersion. `metadata` comes right after
 * `apiVersion` and `kind`, before any other object, so {@link objectJson} finds it by position.
 */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  return JSON.stringify({ apiVersion, kind, metadata, ...rest });
}

const METADATA_KEY = '"metadata":{';

/**
 * What {@link decodeObject} would serialize to, made by splicing the resourceVersion into the
 * stored text instead of parsing it: the first `"metadata":{` is the object's own when no other
 * object opens before it (a quote inside a JSON string is always escaped, so the text cannot
 * occur in a value). Values stored another way are parsed and serialized.
 */
export function objectJson(kv: KeyValue, revision: number = kv.modRevision): string {
  const text = kv.value;
  const at = text.indexOf(METADATA_KEY);
  const open = at + METADATA_KEY.length - 1;
  if (at < 0 || text.indexOf("{", 1) !== open) return JSON.stringify(decodeObject(kv, revision));
  const rv = `"resourceVersion":"${revision}"`;
  return `${text.slice(0, open + 1)}${rv}${text[open + 1] === "}" ? "" : ","}${text.slice(open + 1)}`;
}
