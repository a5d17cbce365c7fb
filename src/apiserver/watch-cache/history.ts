/**
 * The watch cache's recent events, in revision order, bounded in count: a watch starting from a
 * revision still covered replays from here instead of from storage.
 */
import type { StorageEvent } from "../../storage/storage.ts";

/** A bounded, revision-ordered event log. */
export class History {
  readonly #size: number;
  #events: StorageEvent[] = [];
  #head = 0;
  /** Every event after this revision is held. */
  #start = 0;

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  /** Empties the log; it covers watches from `revision` on. */
  reset(revision: number): void {
    this.#events = [];
    this.#head = 0;
    this.#start = revision;
  }

  /** Appends the next event, dropping the oldest beyond the size. */
  push(ev: StorageEvent): void {
    this.#events.push(ev);
    if (this.#events.length - this.#head > this.#size) {
      this.#start = this.#events[this.#head]!.revision;
      this.#head++;
      // Compact now and then rather than shifting per event.
      if (this.#head >= this.#size) {
        this.#events = this.#events.slice(this.#head);
        this.#head = 0;
      }
    }
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
