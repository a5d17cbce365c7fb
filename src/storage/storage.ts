/**
 * The one storage contract every backend (memory, embedded LMDB, etcd v3) implements, modelled on
 * etcd's MVCC key-value API: one global revision that increases with every write, per-key create
 * and mod revisions, compare-and-swap on the mod revision, and watches that resume from a revision.
 * Only the API server talks to storage.
 */

/** A stored key with its value (JSON text) and revisions. */
export interface KeyValue {
  key: string;
  value: string;
  /** The revision of the write that created this key. */
  createRevision: number;
  /** The revision of the last write to this key; this is the object's resourceVersion. */
  modRevision: number;
}

/** A change, in revision order. `revision` is the revision of the write itself. */
export type StorageEvent =
  | { type: "put"; revision: number; kv: KeyValue; prev?: KeyValue }
  | { type: "delete"; revision: number; key: string; prev: KeyValue };

/** One page of keys under a prefix, read at one revision. */
export interface ListResult {
  items: KeyValue[];
  /** The revision the page was read at. */
  revision: number;
  /** True when `limit` cut the page short: continue with `startAfter` = the last key. */
  more: boolean;
}

/** Options of {@link Storage.list}. */
export interface ListOptions {
  /** Read at this past revision (for consistent pagination); default the current one. */
  revision?: number;
  /** Return at most this many keys. */
  limit?: number;
  /** Only keys strictly greater than this one. */
  startAfter?: string;
}

/** Outcome of a create: the new key, or the one already there. */
export type CreateResult = { type: "ok"; kv: KeyValue } | { type: "exists"; current: KeyValue };

/** Outcome of a compare-and-swap update or delete. */
export type SwapResult = { type: "ok"; kv: KeyValue } | { type: "conflict"; current: KeyValue } | { type: "not-found" };

/** Thrown by list and watch when the asked revision is older than the kept history. */
export class CompactedError extends Error {
  /** The oldest revision still available. */
  readonly compactRevision: number;
  constructor(requested: number, compactRevision: number) {
    super(`revision ${requested} has been compacted; the oldest available is ${compactRevision}`);
    this.name = "CompactedError";
    this.compactRevision = compactRevision;
  }
}

/** Thrown when the backend cannot be reached or fails; callers answer 503/500. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageUnavailableError";
  }
}

/** Options of {@link Storage.watch}. */
export interface WatchOptions {
  /** Ends the watch; the iterator then finishes without error. */
  signal: AbortSignal;
}

/** The storage contract. */
export interface Storage {
  /** The current value of one key. */
  get(key: string): Promise<KeyValue | undefined>;
  /**
   * Keys under `prefix` in key order. Throws {@link CompactedError} for a revision too old and
   * `RangeError` for a revision newer than the current one.
   */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Creates `key` only if it does not exist. */
  create(key: string, value: string): Promise<CreateResult>;
  /** Replaces `key` only if its mod revision is still `expectedModRevision`. */
  update(key: string, value: string, expectedModRevision: number): Promise<SwapResult>;
  /**
   * Deletes `key` (only if its mod revision is `expectedModRevision`, when given). On success
   * `kv` is the deleted value and `kv.modRevision` the revision of the delete.
   */
  delete(key: string, expectedModRevision?: number): Promise<SwapResult>;
  /**
   * Every change under `prefix` with a revision greater than `afterRevision`, in order, none
   * missed, then live changes until the signal aborts. Throws {@link CompactedError} (from the
   * iterator) when `afterRevision` is older than the kept history, including if history is lost
   * while the watch lags.
   */
  watch(prefix: string, afterRevision: number, options: WatchOptions): AsyncIterable<StorageEvent>;
  /** The current (latest committed) revision. */
  revision(): Promise<number>;
  /** Whether the backend is reachable right now. */
  healthy(): Promise<boolean>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/**
 * What a backend that holds its data on this machine (the embedded store) can add: reading the
 * texts of many versions at once, synchronously and without a round trip, so a cache in front of
 * it can keep only keys and revisions and read each text when it serves it.
 */
export interface VersionReader {
  /**
   * One page of the keys under `prefix` at the current revision, as {@link Storage.list} gives,
   * with their revisions but not their values.
   */
  listRevisions(prefix: string, options?: Pick<ListOptions, "limit" | "startAfter">): RevisionsPage;
  /**
   * The values `keys` had at revision `at`, where key i was at mod revision `modRevisions[i]`,
   * read in one consistent snapshot. Throws {@link CompactedError} when the history after `at`
   * is no longer kept and a key has changed since.
   */
  readVersions(keys: readonly string[], modRevisions: readonly number[], at: number): string[];
}

/** A key's revisions, without its value. */
export type KeyRevisions = Omit<KeyValue, "value">;

/** A page of {@link VersionReader.listRevisions}. */
export interface RevisionsPage {
  items: KeyRevisions[];
  revision: number;
  more: boolean;
}

/** Whether `storage` offers {@link VersionReader}. */
export function isVersionReader(storage: Storage): storage is Storage & VersionReader {
  return typeof (storage as Partial<VersionReader>).readVersions === "function";
}
