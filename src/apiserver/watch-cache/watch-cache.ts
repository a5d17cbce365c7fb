/**
 * The API server's watch cache (kube-apiserver's cacher): one list + one watch of the whole store
 * keep every object in memory (in front of a store that reads texts back cheaply, a
 * {@link VersionReader} such as the embedded one, only its revisions: the texts stay in the
 * store's file), and lists and watch starts are served from there instead of reading storage per
 * request. It is a {@link Storage} in front of the real one, so the list and
 * watch verbs read it unchanged; writes and single-object reads go to storage.
 *
 * Semantics as kube-apiserver's:
 * - A list without a revision is consistent (KEP-2340, consistent reads from cache): it reads the
 *   store's current revision, waits until the cache has applied it, then answers from memory; if
 *   the cache cannot catch up in time the list goes to storage.
 * - A paged list keeps the snapshot its first page was cut from, so every continue token reads the
 *   same revision from memory; a token whose snapshot expired reads storage at that revision
 *   (which answers 410 Gone once the revision is compacted).
 * - A watch from a revision still in the cache's event history starts from memory; an older one
 *   is passed to storage, which replays its own history or fails with 410 Gone.
 * Until the first list is in, or while the cache relists after losing its watch, everything goes
 * to storage: the cache only ever makes reads faster, never different.
 */
import { logger } from "../../machinery/log.ts";
import { WatchHub } from "../../storage/common/watch-hub.ts";
import {
  CompactedError,
  type CreateResult,
  isVersionReader,
  type KeyRevisions,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Storage,
  type StorageEvent,
  type SwapResult,
  type VersionReader,
  type WatchOptions,
} from "../../storage/storage.ts";
import { History } from "./history.ts";
import { type Held, type ListSnapshot, SnapshotStore, snapshotPage } from "./snapshots.ts";
import { groupOf, SortedKeys } from "./sorted-keys.ts";

const log = logger("watch-cache");

/** Options of {@link WatchCache}. */
export interface WatchCacheOptions {
  /** Events kept for watches starting from a recent revision (default 10,000). */
  historySize?: number;
  /** Most bytes of values those events may hold (default 16 MiB); older watch starts go to storage. */
  historyBytes?: number;
  /** How long a paged list's snapshot is kept for its continue tokens (default 60 s). */
  snapshotTtlMs?: number;
  /** How long a consistent list waits for the cache to catch up before reading storage (default 3 s). */
  freshnessTimeoutMs?: number;
  /** Objects per page of the cache's own list of the store (default 10,000). */
  loadPageSize?: number;
  /**
   * How long a list arriving while the cache loads waits for it before reading storage (default
   * 30 s). Waiting is what makes a restart fast: the informers of every component relist at once,
   * and paged lists at a past revision are what storage answers slowest.
   */
  loadWaitMs?: number;
}

/** A store whose lists and watch starts are served from memory; {@link start} fills it. */
export class WatchCache implements Storage {
  readonly #store: Storage;
  /** Set when the store reads texts back cheaply: the cache then holds revisions only, not texts. */
  readonly #reader: VersionReader | undefined;
  readonly #options: Required<WatchCacheOptions>;
  readonly #objects = new Map<string, Held>();
  readonly #groups = new Map<string, SortedKeys>();
  readonly #history: History;
  readonly #snapshots: SnapshotStore;
  #hub = new WatchHub();
  /** Every event up to this revision is applied. */
  #revision = 0;
  #ready = false;
  #waiters: { revision: number; resolve: (ok: boolean) => void }[] = [];
  /** Lists waiting for the cache to load (resolved true when it has, false when it stopped). */
  #loadWaiters: ((ok: boolean) => void)[] = [];
  #loading = false;
  #loadStarted = 0;
  /** The revision the load's last page was read at: the cache is consistent once it has applied it. */
  #readyAt = 0;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;

  constructor(store: Storage, options: WatchCacheOptions = {}) {
    this.#store = store;
    this.#reader = isVersionReader(store) ? store : undefined;
    this.#options = {
      historySize: options.historySize ?? 10_000,
      historyBytes: options.historyBytes ?? 16 * 2 ** 20,
      snapshotTtlMs: options.snapshotTtlMs ?? 60_000,
      freshnessTimeoutMs: options.freshnessTimeoutMs ?? 3_000,
      loadPageSize: options.loadPageSize ?? 10_000,
      loadWaitMs: options.loadWaitMs ?? 30_000,
    };
    this.#history = new History(this.#options.historySize, this.#options.historyBytes);
    this.#snapshots = new SnapshotStore(this.#options.snapshotTtlMs);
  }

  /** Starts loading and following the store (until {@link close}). */
  start(): void {
    this.#running ??= this.#run(this.#stop.signal);
  }

  /** Whether lists and watches are served from memory now. */
  ready(): boolean {
    return this.#ready;
  }

  /** Objects held (the `watch-cache` readiness line shows it). */
  get size(): number {
    return this.#objects.size;
  }

  /** How many keys are under `prefix` (a whole resource's), or undefined when the cache cannot say. */
  count(prefix: string): number | undefined {
    if (!this.#ready || groupOf(prefix) !== prefix) return undefined;
    return this.#groups.get(prefix)?.size ?? 0;
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.#store.get(key);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const group = groupOf(prefix);
    if (group === undefined) return await this.#store.list(prefix, options);
    if (!this.#ready && !(await this.#loaded())) return await this.#store.list(prefix, options);
    if (options.revision === undefined) {
      const current = await this.#store.revision();
      if (!(await this.#caughtUp(current))) return await this.#store.list(prefix, options);
      return this.#listNow(group, prefix, options) ?? (await this.#store.list(prefix, options));
    }
    const kept = this.#snapshots.get(options.revision, prefix);
    if (kept) return snapshotPage(kept, options, this.#materialize);
    const now = options.revision === this.#revision ? this.#listNow(group, prefix, options) : undefined;
    return now ?? (await this.#store.list(prefix, options));
  }

  create(key: string, value: string): Promise<CreateResult> {
    return this.#store.create(key, value);
  }

  update(key: string, value: string, expectedModRevision: number): Promise<SwapResult> {
    return this.#store.update(key, value, expectedModRevision);
  }

  delete(key: string, expectedModRevision?: number): Promise<SwapResult> {
    return this.#store.delete(key, expectedModRevision);
  }

  async *watch(prefix: string, afterRevision: number, options: WatchOptions): AsyncGenerator<StorageEvent> {
    if (!this.#ready || !this.#history.covers(afterRevision)) {
      yield* this.#store.watch(prefix, afterRevision, options);
      return;
    }
    const { queue, replay } = this.#hub.subscribe(prefix, afterRevision, {
      signal: options.signal,
      capacity: 2 * this.#options.historySize,
      compactRevision: () => this.#history.oldest(),
    });
    // Replayed in the same synchronous step as the subscription: no event missed, none twice.
    for (const ev of this.#history.after(afterRevision)) replay(ev);
    yield* queue;
  }

  revision(): Promise<number> {
    return this.#store.revision();
  }

  healthy(): Promise<boolean> {
    return this.#store.healthy();
  }

  /** Stops following the store and ends the watches it serves; the store itself stays open. */
  async stop(): Promise<void> {
    this.#stop.abort();
    for (const w of [...this.#loadWaiters]) w(false);
    this.#hub.closeAll();
    await this.#running;
  }

  /** Stops the cache and closes the store. */
  async close(): Promise<void> {
    await this.stop();
    await this.#store.close();
  }

  /** A page at the cache's revision; undefined when the store no longer has texts of that revision. */
  #listNow(group: string, prefix: string, options: ListOptions): ListResult | undefined {
    const keys = this.#groups.get(group)?.range(prefix) ?? [];
    const snapshot: ListSnapshot = {
      revision: this.#revision,
      keys,
      held: keys.map((k) => this.#objects.get(k)!),
    };
    let page: ListResult;
    try {
      page = snapshotPage(snapshot, options, this.#materialize);
    } catch (err) {
      if (err instanceof CompactedError) return undefined;
      throw err;
    }
    if (page.more) this.#snapshots.put(prefix, snapshot);
    return page;
  }

  /** Key-values of held objects, their texts read from the store at `revision` when not held. */
  readonly #materialize = (keys: readonly string[], held: readonly Held[], revision: number): KeyValue[] => {
    // Without a reader every held object is the KeyValue itself (see #put).
    if (!this.#reader) return held as KeyValue[];
    const values = this.#reader.readVersions(
      keys,
      held.map((h) => h.modRevision),
      revision,
    );
    return keys.map((key, i) => ({
      key,
      value: values[i]!,
      createRevision: held[i]!.createRevision,
      modRevision: held[i]!.modRevision,
    }));
  };

  /** Resolves true once the cache is loaded, false if it is not running or that takes too long. */
  #loaded(): Promise<boolean> {
    if (this.#ready) return Promise.resolve(true);
    // Only a load in progress is worth waiting for: a store that fails fails the list at once.
    if (!this.#loading || this.#stop.signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.#loadWaiters = this.#loadWaiters.filter((w) => w !== done);
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), this.#options.loadWaitMs).unref();
      this.#loadWaiters.push(done);
    });
  }

  /** Resolves true once every event up to `revision` is applied, false if that takes too long. */
  #caughtUp(revision: number): Promise<boolean> {
    if (this.#revision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { revision, resolve };
      this.#waiters.push(waiter);
      setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(false);
      }, this.#options.freshnessTimeoutMs).unref();
    });
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.#load();
        failures = 0;
        for await (const ev of this.#store.watch("", this.#revision, { signal })) this.#apply(ev);
        if (!signal.aborted) throw new Error("the store ended the watch cache's watch");
      } catch (err) {
        if (signal.aborted) break;
        this.#reset();
        const delay = err instanceof CompactedError ? 0 : Math.min(5_000, 100 * 2 ** failures++);
        log.warn({ err: String(err), retryInMs: delay }, "watch cache lost the store's watch; reloading");
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
    this.#reset();
  }

  /**
   * Lists the whole store page by page into memory, each page at the current revision (a page at
   * a fixed past revision costs the embedded store a rewind of everything, and a restart writes
   * while it loads). The watch then starts from the first page's revision: replaying every change
   * since then, in order, brings each key to its state at the last page's revision and beyond,
   * and only then is the cache ready.
   */
  async #load(): Promise<void> {
    this.#loading = true;
    this.#loadStarted = Date.now();
    let startAfter: string | undefined;
    let first: number | undefined;
    let last = 0;
    for (;;) {
      const options = { limit: this.#options.loadPageSize, ...(startAfter !== undefined ? { startAfter } : {}) };
      // Without texts when the cache does not keep them: decoding 100,000 texts only to drop them
      // was most of a restart's load.
      const page = this.#reader ? this.#reader.listRevisions("", options) : await this.#store.list("", options);
      first ??= page.revision;
      last = page.revision;
      for (const kv of page.items) this.#put(kv);
      if (!page.more || page.items.length === 0) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    this.#revision = first ?? 0;
    this.#history.reset(this.#revision);
    this.#readyAt = last;
    if (last <= this.#revision) this.#becomeReady();
  }

  #becomeReady(): void {
    this.#ready = true;
    this.#loading = false;
    for (const w of [...this.#loadWaiters]) w(true);
    const ms = Date.now() - this.#loadStarted;
    log.info({ objects: this.#objects.size, revision: this.#revision, ms }, "watch cache loaded");
  }

  #apply(event: StorageEvent): void {
    const ev = this.#sharePrev(event);
    if (ev.type === "put") this.#put(ev.kv);
    else {
      this.#objects.delete(ev.key);
      const group = groupOf(ev.key);
      if (group !== undefined) this.#groups.get(group)?.remove(ev.key);
    }
    this.#revision = ev.revision;
    this.#history.push(ev);
    this.#hub.publish(ev);
    if (!this.#ready && ev.revision >= this.#readyAt) this.#becomeReady();
    if (this.#waiters.length > 0) {
      const due = this.#waiters.filter((w) => w.revision <= ev.revision);
      if (due.length > 0) {
        this.#waiters = this.#waiters.filter((w) => w.revision > ev.revision);
        for (const w of due) w.resolve(true);
      }
    }
  }

  /**
   * The event with its previous value replaced by the copy the cache already holds (the store
   * decoded a second one): the history then holds each version once. That copy is the object
   * itself when the cache holds texts, else the version the previous event of the key brought.
   */
  #sharePrev(ev: StorageEvent): StorageEvent {
    if (!ev.prev) return ev;
    const { key, modRevision } = ev.prev;
    const held = this.#reader ? this.#history.version(key, modRevision) : this.#objects.get(key);
    if (held === undefined || held === ev.prev || held.modRevision !== modRevision) return ev;
    return { ...ev, prev: held as KeyValue };
  }

  /** Holds `kv` (its revisions only when the store reads texts back; else it always has its value). */
  #put(kv: KeyValue | KeyRevisions): void {
    this.#objects.set(
      kv.key,
      this.#reader ? { createRevision: kv.createRevision, modRevision: kv.modRevision } : (kv as KeyValue),
    );
    const group = groupOf(kv.key);
    if (group === undefined) return;
    let keys = this.#groups.get(group);
    if (!keys) this.#groups.set(group, (keys = new SortedKeys()));
    keys.add(kv.key);
  }

  /** Forgets everything: requests go to storage, and the watches served from memory end (clients resume). */
  #reset(): void {
    this.#ready = false;
    this.#loading = false;
    for (const w of [...this.#loadWaiters]) w(false);
    this.#hub.closeAll();
    this.#hub = new WatchHub();
    this.#objects.clear();
    this.#groups.clear();
    this.#snapshots.clear();
    this.#revision = 0;
  }
}
