/**
 * The keys of one resource (`<group>/<resource>/`) in key order, sorted again only when a key was
 * added or removed since the last read: updates, most of a cluster's writes, keep the order.
 */

/** The group a key or list prefix belongs to: its first two segments (`core/pods/`), or undefined. */
export function groupOf(keyOrPrefix: string): string | undefined {
  const first = keyOrPrefix.indexOf("/");
  if (first < 0) return undefined;
  const second = keyOrPrefix.indexOf("/", first + 1);
  return second < 0 ? undefined : keyOrPrefix.slice(0, second + 1);
}

/** The first index in sorted `keys` whose key is greater than `key` (or equal, when `inclusive`). */
export function bound(keys: readonly string[], key: string, inclusive: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid]!;
    if (k < key || (!inclusive && k === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One resource's keys. */
export class SortedKeys {
  readonly #keys = new Set<string>();
  #sorted: string[] | undefined = [];

  add(key: string): void {
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    this.#sorted = undefined;
  }

  remove(key: string): void {
    if (this.#keys.delete(key)) this.#sorted = undefined;
  }

  get size(): number {
    return this.#keys.size;
  }

  /** The keys in order (shared; callers must not change it). */
  sorted(): readonly string[] {
    // Plain `<` order, which is etcd's and LMDB's byte order for the ASCII keys kdns writes.
    this.#sorted ??= [...this.#keys].sort();
    return this.#sorted;
  }

  /** The keys under `prefix`, in order. */
  range(prefix: string): readonly string[] {
    const keys = this.sorted();
    const from = bound(keys, prefix, true);
    let to = from;
    while (to < keys.length && keys[to]!.startsWith(prefix)) to++;
    return from === 0 && to === keys.length ? keys : keys.slice(from, to);
  }
}
