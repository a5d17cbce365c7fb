/**
 * A de-duplicating queue of keys for level-triggered controllers, after client-go's
 * `workqueue`: a key is held at most once while waiting, is never handed to two workers at
 * once, and a key added while it is being processed is handed out again after `done`. Failures
 * are retried per key with capped exponential backoff.
 */
import type { Registry } from "prom-client";
import { WorkQueueMetrics } from "./work-queue-metrics.ts";

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** First retry delay after a failure (default 5 ms, as client-go). */
  baseDelayMs?: number;
  /** Largest retry delay (default 30 s). */
  maxDelayMs?: number;
  /** Count the queue into this registry's `workqueue_*` families, labelled `name`. */
  metrics?: { registry: Registry; name: string };
}

/** The queue. */
export class WorkQueue {
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  /** Keys waiting to be handed out, in arrival order. */
  readonly #queue = new Set<string>();
  /** Keys handed out and not yet `done`. */
  readonly #processing = new Set<string>();
  /** Keys added while processing: re-queued on `done`. */
  readonly #again = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  #waiters: ((key: string | undefined) => void)[] = [];
  #shuttingDown = false;
  readonly #metrics: WorkQueueMetrics | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.#baseDelayMs = options.baseDelayMs ?? 5;
    this.#maxDelayMs = options.maxDelayMs ?? 30_000;
    const m = options.metrics;
    // Depth as client-go counts it: keys waiting, and keys added again while processing.
    this.#metrics = m && new WorkQueueMetrics(m.registry, m.name, () => this.#queue.size + this.#again.size);
  }

  /** Keys waiting to be handed out. */
  get length(): number {
    return this.#queue.size;
  }

  /** Whether {@link shutDown} was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Queues `key` now (no-op if it is already waiting). */
  add(key: string): void {
    if (this.#shuttingDown) return;
    if (this.#processing.has(key)) {
      if (!this.#again.has(key)) this.#metrics?.added(key);
      this.#again.add(key);
      return;
    }
    if (this.#queue.has(key)) return;
    this.#metrics?.added(key);
    this.#enqueue(key);
  }

  /** Hands `key` to a waiting worker, or queues it. */
  #enqueue(key: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#processing.add(key);
      this.#metrics?.got(key);
      waiter(key);
    } else {
      this.#queue.add(key);
    }
  }

  /** Queues `key` after `delayMs`; a pending delayed add of the same key keeps the earlier time. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const due = Date.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending && pending.due <= due) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    this.#timers.set(key, { timer, due });
  }

  /** Queues `key` after its next backoff delay: base · 2^failures, capped. */
  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    this.#metrics?.retried();
    this.addAfter(key, this.backoff(failures));
  }

  /** The delay of the `n`-th consecutive retry (0-based). */
  backoff(n: number): number {
    return Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** Math.min(n, 40));
  }

  /** How many rate-limited requeues `key` has had since its last {@link forget}. */
  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Resets the backoff of `key` (call after a successful sync). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /**
   * The next key, once one is waiting; `undefined` once the queue is shut down or `signal`
   * aborts. The caller must call {@link done} with it when finished.
   */
  get(signal?: AbortSignal): Promise<string | undefined> {
    if (this.#shuttingDown || signal?.aborted) return Promise.resolve(undefined);
    const first = this.#queue.values().next();
    if (!first.done) {
      this.#queue.delete(first.value);
      this.#processing.add(first.value);
      this.#metrics?.got(first.value);
      return Promise.resolve(first.value);
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(undefined);
      };
      const waiter = (key: string | undefined): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(key);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Marks `key` finished; if it was added meanwhile it is queued again. */
  done(key: string): void {
    this.#processing.delete(key);
    this.#metrics?.done(key);
    // Already counted as an add when it came in during processing.
    if (this.#again.delete(key) && !this.#shuttingDown) this.#enqueue(key);
  }

  /** Stops handing out keys: waiting `get` calls resolve to `undefined`, delayed adds are dropped. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#queue.clear();
    this.#again.clear();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(undefined);
    this.#metrics?.detach();
  }
}
