/**
 * Named secondary indexes over an informer's cache, as client-go's `cache.Indexer`: a component
 * registers an index function (object → the index values it files under), and reads every object
 * filed under one value without scanning the kind. Maintenance costs one call of each index
 * function on the old and the new value per event, never a pass over the cache.
 */

/**
 * The values an object is filed under in one index (none: not in the index). Called with the
 * cached value and its namespace ("" when cluster-scoped) and name; must be pure.
 */
export type IndexFunc<V> = (value: V, namespace: string, name: string) => readonly string[];

/** An object filed under a value, with the identity a transformed value may not carry. */
export interface Indexed<V> {
  value: V;
  namespace: string;
  name: string;
}

/**
 * One index: value → the cached values filed under it. A value with one member holds its entry
 * directly (a uid index files every object alone: no Map per object); more share a Map keyed by
 * the cached value, so no key strings are kept.
 */
class Index<V> {
  readonly fn: IndexFunc<V>;
  readonly byValue = new Map<string, Indexed<V> | Map<V, Indexed<V>>>();

  constructor(fn: IndexFunc<V>) {
    this.fn = fn;
  }

  add(entry: Indexed<V>): void {
    for (const v of this.fn(entry.value, entry.namespace, entry.name)) {
      const found = this.byValue.get(v);
      if (found === undefined) this.byValue.set(v, entry);
      else if (found instanceof Map) found.set(entry.value, entry);
      else if (found.value === entry.value) this.byValue.set(v, entry);
      else
        this.byValue.set(
          v,
          new Map([
            [found.value, found],
            [entry.value, entry],
          ]),
        );
    }
  }

  remove(value: V, namespace: string, name: string): void {
    for (const v of this.fn(value, namespace, name)) {
      const found = this.byValue.get(v);
      if (found === undefined) continue;
      if (!(found instanceof Map)) {
        if (found.value === value) this.byValue.delete(v);
      } else if (found.delete(value) && found.size === 1) {
        const [last] = found.values();
        if (last) this.byValue.set(v, last);
      }
    }
  }

  get(v: string): Indexed<V>[] {
    const found = this.byValue.get(v);
    if (found === undefined) return [];
    return found instanceof Map ? [...found.values()] : [found];
  }
}

/** The indexes of one cache. The informer calls {@link Indexer.replace} on every change it caches. */
export class Indexer<V> {
  readonly #indexes = new Map<string, Index<V>>();

  /** Registers index `name`. Register before the cache fills (before the informer starts). */
  add(name: string, fn: IndexFunc<V>): void {
    if (this.#indexes.has(name)) throw new Error(`index ${JSON.stringify(name)} is already registered`);
    this.#indexes.set(name, new Index(fn));
  }

  /** Whether index `name` exists. */
  has(name: string): boolean {
    return this.#indexes.has(name);
  }

  /** Files `next` in place of `prev` (either may be absent: an add or a delete). */
  replace(prev: V | undefined, next: V | undefined, namespace: string, name: string): void {
    if (this.#indexes.size === 0) return;
    // One entry per object, shared by every index and index value it is filed under.
    const entry = next === undefined ? undefined : { value: next, namespace, name };
    for (const index of this.#indexes.values()) {
      if (prev !== undefined) index.remove(prev, namespace, name);
      if (entry !== undefined) index.add(entry);
    }
  }

  /** The objects filed under `value` in index `name` (empty for an unknown value). Throws for an unknown index. */
  get(name: string, value: string): Indexed<V>[] {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`no index named ${JSON.stringify(name)}; register it with addIndex before start`);
    return index.get(value);
  }

  /** How many index values index `name` holds (tests and metrics). */
  valueCount(name: string): number {
    return this.#indexes.get(name)?.byValue.size ?? 0;
  }
}
