/**
 * Index functions most components need, for {@link Informer.addIndex}. Index values carry the
 * namespace, since selectors and owner references never reach across namespaces.
 */
import type { KubeObject } from "../api/types.ts";
import type { IndexFunc } from "./indexer.ts";

/** Name of the index of {@link byLabel}. */
export const LABEL_INDEX = "label";

/** Files an object under `namespace/key=value` for each of its labels (what an equality selector looks up). */
export const byLabel: IndexFunc<KubeObject> = (obj, namespace) => {
  const labels = obj.metadata.labels;
  if (!labels) return [];
  const out: string[] = [];
  for (const key in labels) out.push(labelIndexValue(namespace, key, labels[key] ?? ""));
  return out;
};

/** The {@link LABEL_INDEX} value of label `key=value` in `namespace`. */
export function labelIndexValue(namespace: string, key: string, value: string): string {
  return `${namespace}/${key}=${value}`;
}

/** Name of the index of {@link byOwnerUid}. */
export const OWNER_UID_INDEX = "owner-uid";

/** Files an object under the uid of each of its owners (what the garbage collector looks up). */
export const byOwnerUid: IndexFunc<KubeObject> = (obj) => (obj.metadata.ownerReferences ?? []).map((r) => r.uid);
