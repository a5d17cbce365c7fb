/**
 * client-go's workqueue families, named, labelled (`name`) and bucketed as component-base
 * registers them, so controller dashboards read kdns's queues unchanged: `workqueue_depth`,
 * `workqueue_adds_total`, `workqueue_queue_duration_seconds`, `workqueue_work_duration_seconds`,
 * `workqueue_retries_total`, `workqueue_unfinished_work_seconds` and
 * `workqueue_longest_running_processor_seconds`. All queues of one registry share the families;
 * depth and the unfinished-work gauges are read from the queues at scrape time.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { exponentialBuckets } from "../machinery/fast-metrics.ts";

/** component-base's workqueue buckets: 10 ns to 10 s by tens. */
const BUCKETS = exponentialBuckets(10e-9, 10, 10);

/** What the scrape-time gauges read from one queue. */
interface QueueState {
  name: string;
  depth(): number;
  /** Start times (performance.now() ms) of the keys being processed. */
  processing(): Iterable<number>;
}

/** The families of one registry and the queues they read. */
class Families {
  readonly queues = new Set<QueueState>();
  readonly adds: Counter;
  readonly retries: Counter;
  readonly latency: Histogram;
  readonly work: Histogram;

  constructor(registry: Registry) {
    const queues = this.queues;
    const registers = [registry];
    const labelNames = ["name"];
    new Gauge({
      name: "workqueue_depth",
      help: "Current depth of workqueue",
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const q of queues) this.set({ name: q.name }, q.depth());
      },
    });
    this.adds = new Counter({
      name: "workqueue_adds_total",
      help: "Total number of adds handled by workqueue",
      labelNames,
      registers,
    });
    this.latency = new Histogram({
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested.",
      buckets: BUCKETS,
      labelNames,
      registers,
    });
    this.work = new Histogram({
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes.",
      buckets: BUCKETS,
      labelNames,
      registers,
    });
    new Gauge({
      name: "workqueue_unfinished_work_seconds",
      help: "How many seconds of work has done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.",
      labelNames,
      registers,
      collect() {
        this.reset();
        const now = performance.now();
        for (const q of queues) {
          let total = 0;
          for (const started of q.processing()) total += now - started;
          this.set({ name: q.name }, total / 1000);
        }
      },
    });
    new Gauge({
      name: "workqueue_longest_running_processor_seconds",
      help: "How many seconds has the longest running processor for workqueue been running.",
      labelNames,
      registers,
      collect() {
        this.reset();
        const now = performance.now();
        for (const q of queues) {
          let oldest = 0;
          for (const started of q.processing()) oldest = Math.max(oldest, now - started);
          this.set({ name: q.name }, oldest / 1000);
        }
      },
    });
    this.retries = new Counter({
      name: "workqueue_retries_total",
      help: "Total number of retries handled by workqueue",
      labelNames,
      registers,
    });
  }
}

const families = new WeakMap<Registry, Families>();

/**
 * One queue's share of the families, as client-go's queue metrics: an add of a key not already
 * waiting counts and starts its queue time, a get ends it and starts its work time, done ends that.
 */
export class WorkQueueMetrics {
  readonly #families: Families;
  readonly #state: QueueState;
  readonly #adds: Counter.Internal;
  readonly #retries: Counter.Internal;
  readonly #latency: Histogram.Internal<string>;
  readonly #work: Histogram.Internal<string>;
  readonly #addedAt = new Map<string, number>();
  readonly #startedAt = new Map<string, number>();

  /** Registers the families in `registry` unless they are there; `depth` is read at scrape time. */
  constructor(registry: Registry, name: string, depth: () => number) {
    let f = families.get(registry);
    if (!f) families.set(registry, (f = new Families(registry)));
    this.#families = f;
    const startedAt = this.#startedAt;
    this.#state = { name, depth, processing: () => startedAt.values() };
    f.queues.add(this.#state);
    this.#adds = f.adds.labels(name);
    this.#retries = f.retries.labels(name);
    this.#latency = f.latency.labels(name);
    this.#work = f.work.labels(name);
  }

  /** `key` was added and was not already waiting. */
  added(key: string): void {
    this.#adds.inc();
    if (!this.#addedAt.has(key)) this.#addedAt.set(key, performance.now());
  }

  /** `key` was handed to a worker. */
  got(key: string): void {
    const now = performance.now();
    const added = this.#addedAt.get(key);
    if (added !== undefined) {
      this.#latency.observe((now - added) / 1000);
      this.#addedAt.delete(key);
    }
    this.#startedAt.set(key, now);
  }

  /** The worker finished `key`. */
  done(key: string): void {
    const started = this.#startedAt.get(key);
    if (started === undefined) return;
    this.#work.observe((performance.now() - started) / 1000);
    this.#startedAt.delete(key);
  }

  /** A rate-limited requeue. */
  retried(): void {
    this.#retries.inc();
  }

  /** Drops this queue from the scrape-time gauges (the queue shut down). */
  detach(): void {
    this.#families.queues.delete(this.#state);
    this.#addedAt.clear();
    this.#startedAt.clear();
  }
}
