/**
 * One watch's way to its client, with backpressure: a line is written only while the socket takes
 * it (`res.write` returning false pauses until `drain`), and what waits meanwhile sits in a
 * bounded queue as references (rendered to text only when written). A watcher whose queue of live
 * events reaches the limit has fallen behind: it is closed as kube-apiserver's cacheWatcher closes
 * an unresponsive watcher, here with an ERROR event holding 410 Expired, so the client relists
 * (or resumes, if the history still covers it) instead of the server buffering without bound.
 */
import type { ServerResponse } from "node:http";

/** Options of {@link WatchStream}. */
export interface WatchStreamOptions<T> {
  /** Live events that may wait for the socket; one more closes the watcher. */
  limit: number;
  /** The line to write for `item` (newline included), or undefined to skip it. */
  render: (item: T) => string | undefined;
  /** The last line written when the watcher falls behind (an ERROR event). */
  fellBehindLine: (queued: number) => string;
  /** Told once when the watcher is closed for falling behind, with the events it had queued. */
  onFellBehind: (queued: number) => void;
  /** How long an ended response may take to flush before its connection is dropped (default 10 s). */
  graceMs?: number;
}

/** A response being streamed; see the file comment. */
export class WatchStream<T> {
  readonly #res: ServerResponse;
  readonly #options: WatchStreamOptions<T>;
  #items: (T | undefined)[] = [];
  #head = 0;
  /** Queued items counted against the limit (the initial events are not: they are the list). */
  #live: boolean[] = [];
  #liveQueued = 0;
  #blocked = false;
  #ending = false;
  #closed = false;
  readonly #done: Promise<void>;

  constructor(res: ServerResponse, options: WatchStreamOptions<T>) {
    this.#res = res;
    this.#options = options;
    this.#done = new Promise((resolve) => {
      res.once("close", resolve);
      res.once("finish", resolve);
    });
    res.once("close", () => {
      this.#closed = true;
      this.#drop();
    });
  }

  /** Whether nothing waits to be written (a BOOKMARK is only worth sending then). */
  get idle(): boolean {
    return !this.#blocked && this.#head === this.#items.length;
  }

  /** Whether the stream still takes items (false once ended, closed, or fallen behind). */
  get open(): boolean {
    return !this.#closed && !this.#ending;
  }

  /** Queues `item` and writes what the socket takes; `live` items count against the limit. */
  push(item: T, live = true): void {
    if (!this.open) return;
    if (live && this.#liveQueued >= this.#options.limit) {
      this.#fallBehind();
      return;
    }
    this.#items.push(item);
    this.#live.push(live);
    if (live) this.#liveQueued++;
    this.#flush();
  }

  /**
   * Ends the response once the queued items are written (or drops the connection if that takes
   * longer than the grace time); resolves when the response is finished or closed.
   */
  end(): Promise<void> {
    if (!this.#ending && !this.#closed) {
      this.#ending = true;
      this.#flush();
      this.#dropAfterGrace();
    }
    return this.#done;
  }

  #flush(): void {
    const res = this.#res;
    while (!this.#blocked && !this.#closed && this.#head < this.#items.length) {
      const item = this.#items[this.#head] as T;
      if (this.#live[this.#head]) this.#liveQueued--;
      this.#items[this.#head] = undefined;
      this.#head++;
      const line = this.#options.render(item);
      if (line !== undefined && !res.write(line)) {
        this.#blocked = true;
        res.once("drain", () => {
          this.#blocked = false;
          this.#flush();
        });
      }
    }
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#live = [];
      this.#head = 0;
      if (this.#ending && !res.writableEnded) res.end();
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#live.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #fallBehind(): void {
    const queued = this.#liveQueued;
    this.#ending = true;
    this.#drop();
    this.#options.onFellBehind(queued);
    if (!this.#res.writableEnded) this.#res.end(this.#options.fellBehindLine(queued));
    this.#dropAfterGrace();
  }

  #drop(): void {
    this.#items = [];
    this.#live = [];
    this.#head = 0;
    this.#liveQueued = 0;
  }

  #dropAfterGrace(): void {
    const timer = setTimeout(() => this.#res.destroy(), this.#options.graceMs ?? 10_000).unref();
    void this.#done.then(() => clearTimeout(timer));
  }
}
