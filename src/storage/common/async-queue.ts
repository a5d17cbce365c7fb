/** A one-consumer async queue that backs every in-process watch. */

/**
 * Items pushed by the producer are read by one `for await` consumer. `fail` ends the iteration
 * with an error after the items already queued; `end` ends it cleanly. Items beyond `capacity`
 * unread fail the queue with `overflow()`, so a stuck consumer cannot grow memory without bound.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  readonly #overflow: () => Error;
  readonly #onClose: () => void;
  #head = 0;
  #finished = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;

  constructor(options: { capacity: number; overflow: () => Error; onClose: () => void }) {
    this.#capacity = options.capacity;
    this.#overflow = options.overflow;
    this.#onClose = options.onClose;
  }

  /** Queues one item; ignored once the queue has finished. */
  push(item: T): void {
    if (this.#finished) return;
    if (this.#items.length - this.#head >= this.#capacity) {
      this.fail(this.#overflow());
      return;
    }
    this.#items.push(item);
    this.#notify();
  }

  /** Ends the iteration with `error` once the queued items are read. */
  fail(error: unknown): void {
    if (this.#finished) return;
    this.#error = error;
    this.#finish();
  }

  /** Ends the iteration cleanly once the queued items are read. */
  end(): void {
    if (this.#finished) return;
    this.#finish();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#head < this.#items.length) {
        const item = this.#items[this.#head] as T;
        this.#head++;
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items.splice(0, this.#head);
          this.#head = 0;
        }
        return { done: false, value: item };
      }
      if (this.#finished) {
        if (this.#error !== undefined) {
          const error = this.#error;
          this.#error = undefined;
          throw error;
        }
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.#items.length = 0;
    this.#head = 0;
    this.#error = undefined;
    this.#finish();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #finish(): void {
    this.#finished = true;
    this.#onClose();
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
