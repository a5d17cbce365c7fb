/** In-process fan-out of committed events to watchers (backends with a single writer process). */
import { CompactedError, type StorageEvent } from "../storage.ts";
import { AsyncQueue } from "./async-queue.ts";
import { eventKey } from "./event-key.ts";

interface Subscriber {
  prefix: string;
  after: number;
  queue: AsyncQueue<StorageEvent>;
}

/** Options of {@link WatchHub.subscribe}. */
export interface SubscribeOptions {
  signal: AbortSignal;
  /** Unread events a watcher may lag before it fails with {@link CompactedError}. */
  capacity: number;
  /** The oldest revision still in history, for the error of a lagging watcher. */
  compactRevision: () => number;
}

/**
 * Delivers each published event to every subscriber whose prefix matches. Publishing must happen
 * in revision order; a subscriber only ever sees revisions above the one it started after, so a
 * backend can replay history into a fresh subscription without duplicates or gaps.
 */
export class WatchHub {
  readonly #subscribers = new Set<Subscriber>();

  /** Sends one committed event to the matching watchers. */
  publish(event: StorageEvent): void {
    const key = eventKey(event);
    for (const sub of this.#subscribers) {
      if (event.revision > sub.after && key.startsWith(sub.prefix)) {
        sub.after = event.revision;
        sub.queue.push(event);
      }
    }
  }

  /**
   * A queue of the events under `prefix` with a revision above `after`. The caller fills in the
   * history part with {@link WatchHub.replay} in the same synchronous step, before any publish.
   */
  subscribe(
    prefix: string,
    after: number,
    options: SubscribeOptions,
  ): { queue: AsyncQueue<StorageEvent>; replay(event: StorageEvent): void } {
    const onAbort = (): void => queue.end();
    const sub: Subscriber = {
      prefix,
      after,
      queue: new AsyncQueue<StorageEvent>({
        capacity: options.capacity,
        overflow: () => new CompactedError(sub.after, options.compactRevision()),
        onClose: () => {
          this.#subscribers.delete(sub);
          options.signal.removeEventListener("abort", onAbort);
        },
      }),
    };
    const queue = sub.queue;
    this.#subscribers.add(sub);
    options.signal.addEventListener("abort", onAbort, { once: true });
    if (options.signal.aborted) queue.end();
    return {
      queue,
      replay: (event) => {
        if (event.revision > sub.after && eventKey(event).startsWith(prefix)) {
          sub.after = event.revision;
          queue.push(event);
        }
      },
    };
  }

  /** Ends every watch (the store is closing). */
  closeAll(): void {
    for (const sub of [...this.#subscribers]) sub.queue.end();
  }
}
