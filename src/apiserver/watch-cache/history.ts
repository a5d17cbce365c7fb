/**
 * The watch cache's recent events, in revision order, bounded in count and in the size of the
 * values they brought: a watch starting from a revision still covered replays from here instead
 * of from storage. The byte bound matters for large objects: 10,000 updates of an EndpointSlice
 * of 20 pods would otherwise hold 60 MB of versions no list shows any more.
 */
import type { KeyValue, StorageEvent } from "../../storage/storage.ts";

/** The length of the value an event brought into memory (a delete's: the version it removed). */
function weightOf(ev: StorageEvent): number {
  return ev.type === "put" ? ev.kv.value.length : ev.prev.value.length;
}

/** A bounded, revision-ordered event log. */
export class History {
  readonly #size: number;
  readonly #maxBytes: number;
  /** Dropped entries before `#head` are cleared, so their values can be collected before the next compaction. */
  #events: (StorageEvent | undefined)[] = [];
  /** The newest version each key has among the held events (a deleted key has none). */
  readonly #latest = new Map<string, KeyValue>();
  #head = 0;
  #bytes = 0;
  /** Every event after this revision is held. */
  #start = 0;

  /** Keeps at most `size` events whose values add up to at most `maxBytes` (always the newest one). */
  constructor(size: number, maxBytes = Infinity) {
    this.#size = Math.max(1, size);
    this.#maxBytes = maxBytes;
  }

  /** Empties the log; it covers watches from `revision` on. */
  reset(revision: number): void {
    this.#events = [];
    this.#latest.clear();
    this.#head = 0;
    this.#bytes = 0;
    this.#start = revision;
  }

  /** Appends the next event, dropping the oldest beyond the size. */
  push(ev: StorageEvent): void {
    this.#events.push(ev);
    if (ev.type === "put") this.#latest.set(ev.kv.key, ev.kv);
    else this.#latest.delete(ev.key);
    this.#bytes += weightOf(ev);
    while (
      this.#events.length - this.#head > this.#size ||
      (this.#bytes > this.#maxBytes && this.#events.length - this.#head > 1)
    ) {
      const dropped = this.#events[this.#head]!;
      this.#events[this.#head] = undefined;
      if (dropped.type === "put" && this.#latest.get(dropped.kv.key) === dropped.kv)
        this.#latest.delete(dropped.kv.key);
      this.#bytes -= weightOf(dropped);
      this.#start = dropped.revision;
      this.#head++;
    }
    // Compact now and then rather than shifting per event.
    if (this.#head >= this.#size || (this.#head > 1_000 && this.#head * 2 >= this.#events.length)) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The version of `key` at `modRevision`, if it is the newest version a held event brought. */
  version(key: string, modRevision: number): KeyValue | undefined {
    const kv = this.#latest.get(key);
    return kv?.modRevision === modRevision ? kv : undefined;
  }

  /** Whether every event after `revision` is held. */
  covers(revision: number): boolean {
    return revision >= this.#start;
  }

  /** The oldest revision a watch can start after. */
  oldest(): number {
    return this.#start;
  }

  /** The held events after `revision`, in order. */
  *after(revision: number): Generator<StorageEvent> {
    let lo = this.#head;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#events[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#events.length; i++) yield this.#events[i]!;
  }
}
