/**
 * Storage as kube-apiserver measures etcd (k8s.io/apiserver storage/etcd3/metrics): every call of
 * the {@link Storage} contract timed into `etcd_request_duration_seconds` and counted into
 * `etcd_requests_total` (and `etcd_request_errors_total` when it throws), by `operation`, `group`
 * and `resource`, whichever backend is behind it (memory, embedded or etcd). The group and
 * resource are read off the key (`<group|core>/<resource>/…`, keys.ts).
 */
import type { Registry } from "prom-client";
import { RESOURCES } from "../../api/resources.ts";
import { IndexedCounter, IndexedHistogram } from "../../machinery/fast-metrics.ts";
import type {
  CreateResult,
  KeyValue,
  ListOptions,
  ListResult,
  Storage,
  StorageEvent,
  SwapResult,
  WatchOptions,
} from "../../storage/storage.ts";
import { IP_ALLOCATION_PREFIX } from "../cluster-ip/allocator.ts";
import { LEASE_PREFIX } from "../kubernetes-service/leases.ts";
import { REQUEST_DURATION_BUCKETS } from "./request-metrics.ts";

/** The operations, named as kube-apiserver's etcd3 store names them. */
const OPERATIONS = ["get", "list", "create", "update", "delete", "getCurrentResourceVersion"] as const;
const OP = Object.fromEntries(OPERATIONS.map((o, i) => [o, i])) as Record<(typeof OPERATIONS)[number], number>;

/** `group`, `resource` of every kind of key: the API's resources, the server's own records, then none. */
const PAIRS: string[][] = [];
const PAIR_INDEX = new Map<string, number>();
function addPair(prefix: string): void {
  const [segment, resource] = prefix.split("/") as [string, string];
  PAIR_INDEX.set(`${segment}/${resource}`, PAIRS.length);
  PAIRS.push([segment === "core" ? "" : segment, resource]);
}
for (const info of RESOURCES) addPair(`${info.group === "" ? "core" : info.group}/${info.resource}`);
addPair(IP_ALLOCATION_PREFIX);
addPair(LEASE_PREFIX);
const NO_PAIR = PAIRS.length;
PAIRS.push(["", ""]);

/** The group-and-resource index of a key or prefix. */
function pairOf(key: string): number {
  const first = key.indexOf("/");
  const second = first < 0 ? -1 : key.indexOf("/", first + 1);
  return PAIR_INDEX.get(second < 0 ? key : key.slice(0, second)) ?? NO_PAIR;
}

/** The storage families of one registry. */
class StorageMetrics {
  readonly duration: IndexedHistogram;
  readonly total: IndexedCounter;
  readonly errors: IndexedCounter;

  constructor(registry: Registry) {
    const space = {
      dims: [
        ["operation", OPERATIONS],
        [["group", "resource"], PAIRS],
      ] as const,
    };
    this.duration = new IndexedHistogram(
      "etcd_request_duration_seconds",
      "Etcd request latency in seconds for each operation and object type.",
      REQUEST_DURATION_BUCKETS,
      space,
    ).registerIn(registry);
    this.total = new IndexedCounter(
      "etcd_requests_total",
      "Etcd request counts for each operation and object type.",
      space,
    ).registerIn(registry);
    this.errors = new IndexedCounter(
      "etcd_request_errors_total",
      "Etcd failed request counts for each operation and object type.",
      space,
    ).registerIn(registry);
  }
}

/** The storage contract with every call measured. */
class MeasuredStorage implements Storage {
  readonly #inner: Storage;
  readonly #m: StorageMetrics;

  constructor(inner: Storage, metrics: StorageMetrics) {
    this.#inner = inner;
    this.#m = metrics;
  }

  /** Awaits `work` (begun at `started`) and records it under `operation` and `key`'s resource. */
  async #timed<T>(operation: number, key: string, started: number, work: Promise<T>): Promise<T> {
    const i = this.#m.duration.index(operation, pairOf(key));
    try {
      return await work;
    } catch (err) {
      this.#m.errors.inc(i);
      throw err;
    } finally {
      this.#m.total.inc(i);
      this.#m.duration.observe(i, (performance.now() - started) / 1000);
    }
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.#timed(OP.get, key, performance.now(), this.#inner.get(key));
  }

  list(prefix: string, options?: ListOptions): Promise<ListResult> {
    return this.#timed(OP.list, prefix, performance.now(), this.#inner.list(prefix, options));
  }

  create(key: string, value: string): Promise<CreateResult> {
    return this.#timed(OP.create, key, performance.now(), this.#inner.create(key, value));
  }

  update(key: string, value: string, expectedModRevision: number): Promise<SwapResult> {
    return this.#timed(OP.update, key, performance.now(), this.#inner.update(key, value, expectedModRevision));
  }

  delete(key: string, expectedModRevision?: number): Promise<SwapResult> {
    return this.#timed(OP.delete, key, performance.now(), this.#inner.delete(key, expectedModRevision));
  }

  watch(prefix: string, afterRevision: number, options: WatchOptions): AsyncIterable<StorageEvent> {
    return this.#inner.watch(prefix, afterRevision, options);
  }

  revision(): Promise<number> {
    return this.#timed(OP.getCurrentResourceVersion, "", performance.now(), this.#inner.revision());
  }

  healthy(): Promise<boolean> {
    return this.#inner.healthy();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** `storage` with every call timed and counted into `registry` (registers the families once). */
export function measuredStorage(storage: Storage, registry: Registry): Storage {
  return new MeasuredStorage(storage, new StorageMetrics(registry));
}
