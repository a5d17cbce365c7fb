/** The in-memory backend: `--store memory` and fast tests. Nothing survives the process. */

import { page, pageOfSorted } from "../common/page.ts";
import { rewind } from "../common/rewind.ts";
import { WatchHub } from "../common/watch-hub.ts";
import {
  CompactedError,
  type CreateResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Storage,
  type StorageEvent,
  StorageUnavailableError,
  type SwapResult,
  type WatchOptions,
} from "../storage.ts";

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /** Revisions of history kept for watch resume and past-revision lists (default 10,000). */
  historyWindow?: number;
}

/**
 * Keeps keys in a map and the last `historyWindow` events in an array indexed by revision
 * (every write makes exactly one revision, so event i has revision `compacted + 1 + i`).
 */
export class MemoryStorage implements Storage {
  readonly #data = new Map<string, KeyValue>();
  readonly #history: StorageEvent[] = [];
  readonly #window: number;
  readonly #hub = new WatchHub();
  #revision = 0;
  /** Every key in order, made on the first list after a key was added or removed. */
  #sorted: string[] | undefined;
  /** Events with a revision at or below this one are gone. */
  #compacted = 0;
  #closed = false;

  constructor(options: MemoryStorageOptions = {}) {
    this.#window = Math.max(1, options.historyWindow ?? 10_000);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#check();
    return this.#data.get(key);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#check();
    const at = options.revision ?? this.#revision;
    if (at > this.#revision)
      throw new RangeError(`revision ${at} is newer than the current revision ${this.#revision}`);
    if (at < this.#compacted) throw new CompactedError(at, this.#compacted);
    if (at === this.#revision) {
      // Paging through 100,000 keys lists 200 times: sort once, not once per page.
      this.#sorted ??= [...this.#data.keys()].sort();
      return pageOfSorted(this.#sorted, (key) => this.#data.get(key)!, prefix, at, options);
    }
    const under = [...rewind(this.#data.values(), this.#eventsAfter(at), prefix).values()].filter((kv) =>
      kv.key.startsWith(prefix),
    );
    return page(under, at, options);
  }

  async create(key: string, value: string): Promise<CreateResult> {
    this.#check();
    const current = this.#data.get(key);
    if (current) return { type: "exists", current };
    const revision = this.#revision + 1;
    const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
    this.#commit(key, kv, { type: "put", revision, kv });
    return { type: "ok", kv };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<SwapResult> {
    this.#check();
    const current = this.#data.get(key);
    if (!current) return { type: "not-found" };
    if (current.modRevision !== expectedModRevision) return { type: "conflict", current };
    const revision = this.#revision + 1;
    const kv: KeyValue = { key, value, createRevision: current.createRevision, modRevision: revision };
    this.#commit(key, kv, { type: "put", revision, kv, prev: current });
    return { type: "ok", kv };
  }

  async delete(key: string, expectedModRevision?: number): Promise<SwapResult> {
    this.#check();
    const current = this.#data.get(key);
    if (!current) return { type: "not-found" };
    if (expectedModRevision !== undefined && current.modRevision !== expectedModRevision)
      return { type: "conflict", current };
    const revision = this.#revision + 1;
    this.#commit(key, undefined, { type: "delete", revision, key, prev: current });
    return { type: "ok", kv: { ...current, modRevision: revision } };
  }

  async *watch(prefix: string, afterRevision: number, options: WatchOptions): AsyncGenerator<StorageEvent> {
    this.#check();
    if (afterRevision < this.#compacted) throw new CompactedError(afterRevision, this.#compacted);
    const { queue, replay } = this.#hub.subscribe(prefix, afterRevision, {
      signal: options.signal,
      capacity: this.#window,
      compactRevision: () => this.#compacted,
    });
    for (const event of this.#eventsAfter(afterRevision)) replay(event);
    yield* queue;
  }

  async revision(): Promise<number> {
    this.#check();
    return this.#revision;
  }

  async healthy(): Promise<boolean> {
    return !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#hub.closeAll();
  }

  #commit(key: string, kv: KeyValue | undefined, event: StorageEvent): void {
    this.#revision = event.revision;
    if (kv === undefined || (event.type === "put" && event.prev === undefined)) this.#sorted = undefined;
    if (kv) this.#data.set(key, kv);
    else this.#data.delete(key);
    this.#history.push(event);
    if (this.#history.length >= 2 * this.#window) {
      const drop = this.#history.length - this.#window;
      this.#history.splice(0, drop);
      this.#compacted += drop;
    }
    this.#hub.publish(event);
  }

  /** History newer than `revision` (which must not be below the compacted revision). */
  #eventsAfter(revision: number): StorageEvent[] {
    return this.#history.slice(Math.max(0, revision - this.#compacted));
  }

  #check(): void {
    if (this.#closed) throw new StorageUnavailableError("memory storage is closed");
  }
}
