import type { KeyValue, ListOptions, ListResult } from "../storage.ts";

/** Orders keys as etcd and LMDB do for the ASCII keys kdns uses. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts `items`, applies `startAfter` and `limit`, and labels the page with `revision`. */
export function page(items: Iterable<KeyValue>, revision: number, options: ListOptions = {}): ListResult {
  const after = options.startAfter;
  const sorted = [...items].filter((kv) => after === undefined || kv.key > after).sort((a, b) => compareKeys(a.key, b.key));
  const limit = options.limit;
  if (limit !== undefined && limit > 0 && sorted.length > limit) {
    return { items: sorted.slice(0, limit), revision, more: true };
  }
  return { items: sorted, revision, more: false };
}
