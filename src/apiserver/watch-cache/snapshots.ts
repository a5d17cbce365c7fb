/**
 * Paged lists served from the watch cache: the snapshot a first page was cut from is kept for a
 * while, so its continue tokens page through the same revision without reading storage.
 */
import type { KeyValue, ListOptions, ListResult } from "../../storage/storage.ts";
import { bound } from "./sorted-keys.ts";

/** What the cache holds of one object: its revisions, and its text unless the store reads texts back. */
export type Held = KeyValue | Pick<KeyValue, "createRevision" | "modRevision">;

/** The objects under one prefix at one revision, in key order. */
export interface ListSnapshot {
  revision: number;
  keys: readonly string[];
  held: readonly Held[];
}

/** Turns a page of held objects into key-values (reading their texts if they are not held). */
export type Materialize = (keys: readonly string[], held: readonly Held[], revision: number) => KeyValue[];

/** Most snapshots kept at once (each is two arrays of references, about 1.6 MB per 100,000 objects). */
const MAX_SNAPSHOTS = 32;

/** One page of `snapshot`: after `startAfter`, at most `limit`. */
export function snapshotPage(snapshot: ListSnapshot, options: ListOptions, materialize: Materialize): ListResult {
  const from = options.startAfter === undefined ? 0 : bound(snapshot.keys, options.startAfter, false);
  const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity;
  const to = Math.min(snapshot.held.length, from + limit);
  return {
    items: materialize(snapshot.keys.slice(from, to), snapshot.held.slice(from, to), snapshot.revision),
    revision: snapshot.revision,
    more: to < snapshot.held.length,
  };
}

/** Snapshots by revision and prefix, each dropped after a time to live. */
export class SnapshotStore {
  readonly #ttlMs: number;
  readonly #kept = new Map<string, { snapshot: ListSnapshot; until: number }>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** Keeps `snapshot` of `prefix` (its continue tokens will ask for it). */
  put(prefix: string, snapshot: ListSnapshot): void {
    const now = Date.now();
    for (const [key, entry] of this.#kept) if (entry.until <= now) this.#kept.delete(key);
    const key = `${snapshot.revision} ${prefix}`;
    this.#kept.delete(key);
    this.#kept.set(key, { snapshot, until: now + this.#ttlMs });
    if (this.#kept.size > MAX_SNAPSHOTS) this.#kept.delete(this.#kept.keys().next().value!);
  }

  /** The snapshot of `prefix` at `revision`, if still kept (each read extends its life). */
  get(revision: number, prefix: string): ListSnapshot | undefined {
    const entry = this.#kept.get(`${revision} ${prefix}`);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.#kept.delete(`${revision} ${prefix}`);
      return undefined;
    }
    entry.until = Date.now() + this.#ttlMs;
    return entry.snapshot;
  }

  /** Drops every snapshot. */
  clear(): void {
    this.#kept.clear();
  }
}
