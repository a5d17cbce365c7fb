import type { KeyValue, ListOptions, ListResult } from "../storage.ts";

/** Orders keys as etcd and LMDB do for the ASCII keys kdns uses. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts `items`, applies `startAfter` and `limit`, and labels the page with `revision`. */
export function page<T extends { key: string }>(
  items: Iterable<T>,
  revision: number,
  options: ListOptions = {},
): { items: T[]; revision: number; more: boolean } {
  const after = options.startAfter;
  const sorted = [...items]
    .filter((kv) => after === undefined || kv.key > after)
    .sort((a, b) => compareKeys(a.key, b.key));
  const limit = options.limit;
  if (limit !== undefined && limit > 0 && sorted.length > limit) {
    return { items: sorted.slice(0, limit), revision, more: true };
  }
  return { items: sorted, revision, more: false };
}

/** The first index in sorted `keys` whose key is greater than `key` (or equal, when `inclusive`). */
function bound(keys: readonly string[], key: string, inclusive: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key || (!inclusive && keys[mid] === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** {@link page} over keys already sorted: finds the start by binary search and reads only one page. */
export function pageOfSorted(
  keys: readonly string[],
  value: (key: string) => KeyValue,
  prefix: string,
  revision: number,
  options: ListOptions = {},
): ListResult {
  const after = options.startAfter;
  let i = after !== undefined && after >= prefix ? bound(keys, after, false) : bound(keys, prefix, true);
  const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity;
  const items: KeyValue[] = [];
  for (; i < keys.length && keys[i]!.startsWith(prefix); i++) {
    if (items.length === limit) return { items, revision, more: true };
    items.push(value(keys[i]!));
  }
  return { items, revision, more: false };
}
