/**
 * The default durable backend: LMDB (via `lmdb`) in one directory. Every write is one LMDB
 * transaction that checks the compare-and-swap condition, writes the key, appends the event to the
 * log and bumps the persisted revision counter, so an acknowledged write survives `kill -9` and the
 * revision never goes backwards across restarts. The API server is the only writer; watchers are
 * fed in-process from the log after each commit. The records' bytes are record-codec.ts's; the
 * databases, their compression and the upgrade from the previous format are format.ts's. As a
 * {@link VersionReader} it also serves the texts of a watch cache that keeps only revisions.
 */
import { mkdir } from "node:fs/promises";
import { type Database, open, type RootDatabase } from "lmdb";
import { page } from "../common/page.ts";
import { rewind } from "../common/rewind.ts";
import { WatchHub } from "../common/watch-hub.ts";
import {
  CompactedError,
  type CreateResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type RevisionsPage,
  type Storage,
  type StorageEvent,
  StorageUnavailableError,
  type SwapResult,
  type VersionReader,
  type WatchOptions,
} from "../storage.ts";
import { appendChange, type Counter, type Databases, openDatabases } from "./format.ts";
import { decodeEvent, encodeEvent, eventKeyOf } from "./record-codec.ts";

/** Options of {@link EmbeddedStorage.open}. */
export interface EmbeddedStorageOptions {
  /** Revisions of history kept for watch resume and past-revision lists (default 10,000). */
  historyWindow?: number;
}

/**
 * Address space reserved for the file up front (64 GiB; only what is written takes disk or
 * memory). lmdb-js otherwise starts at 128 KiB and maps the file anew each time it outgrows the
 * map, keeping every older mapping alive for the buffers handed out from it: the pages read
 * through each mapping count in the process's resident memory again, so a store loaded to 100,000
 * objects held its file in memory several times over, and each remap stalled the writes.
 */
const MAP_SIZE = 2 ** 36;

/** What a write transaction decided: its result, and the change to make if any. */
interface Decision<T> {
  result: T;
  change?: { event: StorageEvent; kv?: KeyValue };
}

/** The LMDB backend; open it with {@link EmbeddedStorage.open}. */
export class EmbeddedStorage implements Storage, VersionReader {
  readonly #root: RootDatabase;
  readonly #db: Databases;
  readonly #window: number;
  readonly #hub = new WatchHub();
  /** The newest revision handed to watchers. */
  #dispatched: number;
  /** Events of committed writes not yet handed to watchers, by revision. */
  readonly #committed = new Map<number, StorageEvent>();
  #closed = false;

  private constructor(root: RootDatabase, db: Databases, window: number) {
    this.#root = root;
    this.#db = db;
    this.#window = window;
    this.#dispatched = this.#meta("revision");
  }

  /** Opens (creating if needed) the store in directory `path`. */
  static async open(path: string, options: EmbeddedStorageOptions = {}): Promise<EmbeddedStorage> {
    await mkdir(path, { recursive: true });
    let root: RootDatabase | undefined;
    try {
      root = open({ path, maxDbs: 8, mapSize: MAP_SIZE });
      return new EmbeddedStorage(root, openDatabases(root, path), Math.max(1, options.historyWindow ?? 10_000));
    } catch (err) {
      await root?.close();
      throw new StorageUnavailableError(`cannot open the embedded store in ${path}: ${String(err)}`, { cause: err });
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#check();
    return this.#object(key);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#check();
    // All reads below happen in one synchronous step, hence in one LMDB read snapshot.
    const current = this.#meta("revision");
    const at = options.revision ?? current;
    if (at > current) throw new RangeError(`revision ${at} is newer than the current revision ${current}`);
    const compacted = this.#meta("compacted");
    if (at < compacted) throw new CompactedError(at, compacted);
    if (at === current) return page(this.#scan(this.#db.objects, prefix, options), at, options);
    const newer = [...this.#db.changes.getRange({ start: at + 1 }).map(({ key, value }) => decodeEvent(key, value))];
    const state = rewind(this.#scan(this.#db.objects, prefix, { ...options, limit: 0 }), newer, prefix);
    return page(state.values(), at, options);
  }

  async create(key: string, value: string): Promise<CreateResult> {
    return await this.#write((revision): Decision<CreateResult> => {
      const current = this.#object(key);
      if (current) return { result: { type: "exists", current } };
      const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
      return { result: { type: "ok", kv }, change: { event: { type: "put", revision, kv }, kv } };
    });
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<SwapResult> {
    return await this.#write((revision): Decision<SwapResult> => {
      const current = this.#object(key);
      if (!current) return { result: { type: "not-found" } };
      if (current.modRevision !== expectedModRevision) return { result: { type: "conflict", current } };
      const kv: KeyValue = { key, value, createRevision: current.createRevision, modRevision: revision };
      return { result: { type: "ok", kv }, change: { event: { type: "put", revision, kv, prev: current }, kv } };
    });
  }

  async delete(key: string, expectedModRevision?: number): Promise<SwapResult> {
    return await this.#write((revision): Decision<SwapResult> => {
      const current = this.#object(key);
      if (!current) return { result: { type: "not-found" } };
      if (expectedModRevision !== undefined && current.modRevision !== expectedModRevision) {
        return { result: { type: "conflict", current } };
      }
      return {
        result: { type: "ok", kv: { ...current, modRevision: revision } },
        change: { event: { type: "delete", revision, key, prev: current } },
      };
    });
  }

  async *watch(prefix: string, afterRevision: number, options: WatchOptions): AsyncGenerator<StorageEvent> {
    this.#check();
    this.#pump();
    const compacted = this.#meta("compacted");
    if (afterRevision < compacted) throw new CompactedError(afterRevision, compacted);
    const { queue, replay } = this.#hub.subscribe(prefix, afterRevision, {
      signal: options.signal,
      capacity: 2 * this.#window,
      compactRevision: () => this.#meta("compacted"),
    });
    // Replay up to what the hub has published, in the same synchronous step: no gap, no overlap.
    if (afterRevision < this.#dispatched) {
      for (const { key, value } of this.#db.changes.getRange({ start: afterRevision + 1, end: this.#dispatched + 1 }))
        replay(decodeEvent(key, value));
    }
    yield* queue;
  }

  listRevisions(prefix: string, options: Pick<ListOptions, "limit" | "startAfter"> = {}): RevisionsPage {
    this.#check();
    return page(this.#scan(this.#db.revisions, prefix, options), this.#meta("revision"), options);
  }

  readVersions(keys: readonly string[], modRevisions: readonly number[], at: number): string[] {
    this.#check();
    // Synchronous throughout: one LMDB read snapshot.
    const values: string[] = new Array(keys.length);
    let changed: Map<string, number> | undefined;
    // `keys` come in key order (a page of a list): one cursor walk reads them, not a lookup each.
    let i = 0;
    const last = keys[keys.length - 1];
    if (last !== undefined) {
      for (const { key, value: object } of this.#db.objects.getRange({ start: keys[0]! })) {
        if (key > last) break;
        while (i < keys.length && keys[i]! < key) (changed ??= new Map()).set(keys[i]!, i++);
        if (keys[i] !== key) continue;
        if (object.modRevision === modRevisions[i]) values[i] = object.value;
        else (changed ??= new Map()).set(key, i);
        i++;
      }
    }
    for (; i < keys.length; i++) (changed ??= new Map()).set(keys[i]!, i);
    if (changed === undefined) return values;
    const compacted = this.#meta("compacted");
    if (at < compacted) throw new CompactedError(at, compacted);
    // The first change to a key after `at` carries, as its previous value, the version it had at `at`.
    for (const { key: revision, value: bytes } of this.#db.changes.getRange({ start: at + 1 })) {
      const i = changed.get(eventKeyOf(bytes));
      if (i === undefined) continue;
      const prev = decodeEvent(revision, bytes).prev;
      if (prev === undefined || prev.modRevision !== modRevisions[i])
        throw new Error(`${keys[i]} was not at revision ${modRevisions[i]} before the change at ${revision}`);
      values[i] = prev.value;
      changed.delete(prev.key);
      if (changed.size === 0) return values;
    }
    throw new Error(`no version at revision ${at} of ${[...changed.keys()].slice(0, 3).join(", ")}`);
  }

  async revision(): Promise<number> {
    this.#check();
    return this.#meta("revision");
  }

  async healthy(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      this.#meta("revision");
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.closeAll();
    await this.#root.close();
  }

  /** Current entries of `db` under `prefix` after `startAfter`, at most `limit` + 1 of them, in key order. */
  *#scan<V extends object>(
    db: Database<V, string>,
    prefix: string,
    { startAfter, limit }: Pick<ListOptions, "limit" | "startAfter">,
  ): Generator<V & { key: string }> {
    const start = startAfter !== undefined && startAfter > prefix ? startAfter : prefix;
    let count = 0;
    for (const { key, value } of db.getRange(start === "" ? {} : { start })) {
      if (!key.startsWith(prefix)) break;
      if (key === startAfter) continue;
      yield { key, ...value };
      if (limit !== undefined && limit > 0 && ++count > limit) break;
    }
  }

  /** Runs `decide` and its change in one write transaction, then feeds watchers. */
  async #write<T>(decide: (revision: number) => Decision<T>): Promise<T> {
    this.#check();
    let result: T;
    let written: StorageEvent | undefined;
    try {
      result = await this.#root.transaction(() => {
        written = undefined;
        const revision = this.#meta("revision") + 1;
        const decision = decide(revision);
        const change = decision.change;
        if (!change) return decision.result;
        written = change.event;
        const key = change.event.type === "put" ? change.event.kv.key : change.event.key;
        if (change.kv) this.#db.objects.putSync(key, change.kv);
        else this.#db.objects.removeSync(key);
        appendChange(this.#db, revision, encodeEvent(change.event));
        this.#db.counters.putSync("revision", revision);
        this.#trim(revision);
        return decision.result;
      });
    } catch (err) {
      throw new StorageUnavailableError(`embedded store write failed: ${String(err)}`, { cause: err });
    }
    // Committed: watchers get the event as written rather than decoded again from the log.
    if (written !== undefined && written.revision > this.#dispatched) this.#committed.set(written.revision, written);
    this.#pump();
    return result;
  }

  /** Drops log entries older than the history window (inside the write transaction). */
  #trim(revision: number): void {
    const compacted = this.#meta("compacted");
    const keepFrom = revision - this.#window;
    if (keepFrom <= compacted) return;
    const old = [...this.#db.changes.getKeys({ end: keepFrom + 1 })];
    for (const key of old) this.#db.changes.removeSync(key);
    this.#db.counters.putSync("compacted", keepFrom);
  }

  /** Publishes committed log entries the hub has not seen yet, in revision order. */
  #pump(): void {
    if (this.#closed) return;
    for (let ev = this.#committed.get(this.#dispatched + 1); ev; ev = this.#committed.get(this.#dispatched + 1)) {
      this.#committed.delete(ev.revision);
      this.#dispatched = ev.revision;
      this.#hub.publish(ev);
    }
    // Entries committed by a write not yet resumed (or by another process) are read from the log.
    for (const { key, value } of this.#db.changes.getRange({ start: this.#dispatched + 1 })) {
      this.#committed.delete(key);
      this.#dispatched = key;
      this.#hub.publish(decodeEvent(key, value));
    }
  }

  #object(key: string): KeyValue | undefined {
    const object = this.#db.objects.get(key);
    return object === undefined ? undefined : { key, ...object };
  }

  /** A revision counter (0 before the first write). */
  #meta(name: Counter): number {
    return this.#db.counters.get(name) ?? 0;
  }

  #check(): void {
    if (this.#closed) throw new StorageUnavailableError("embedded storage is closed");
  }
}
