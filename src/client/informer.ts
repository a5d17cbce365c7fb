/**
 * A list-then-watch cache of one resource (the Kubernetes reflector + informer pattern): the
 * only way components learn about objects. Readers use the cache; handlers hear add / update /
 * delete. Missed history (a 410, a broken stream) is repaired by relisting and diffing the cache
 * against the new list, so no deleted object lingers and no change is lost.
 */

import type { Registry } from "prom-client";
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import type { KubeObject, WatchEvent } from "../api/types.ts";
import { logger } from "../machinery/log.ts";
import { type Indexed, Indexer, type IndexFunc } from "./indexer.ts";
import { registerInformer } from "./informer-metrics.ts";
import { ClientError, type RestClient } from "./rest-client.ts";

/** The part of {@link RestClient} an informer uses (a test may pass a fake). */
export type InformerSource = Pick<RestClient, "list" | "watch">;

/** Options of {@link Informer}. */
export interface InformerOptions<T extends KubeObject, V = T> {
  /** Watch one namespace only (default: all). */
  namespace?: string;
  labelSelector?: string;
  /**
   * What is cached and handed to handlers instead of the whole object: only what readers need
   * (memory). Required when V is not T.
   */
  transform?: (obj: T) => V;
  /**
   * Whether a new value changes nothing (no update event). Default: both carry the same
   * metadata.resourceVersion; a value without one always counts as changed.
   */
  same?: (a: V, b: V) => boolean;
  /** First retry delay after an error (default 100 ms), doubled per failure up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  /** Largest retry delay (default 10 s). */
  maxBackoffMs?: number;
  /** Show the cache in this registry's `kdns_informer_*` gauges while it runs, labelled `component`. */
  metrics?: { registry: Registry; component: string };
}

/**
 * Handler signatures per event name. Namespace ("" when cluster-scoped) and name come along, so
 * a transform need not keep them in every cached value.
 */
export interface InformerHandlers<T> {
  add: (obj: T, namespace: string, name: string) => void;
  update: (oldObj: T, newObj: T, namespace: string, name: string) => void;
  delete: (obj: T, namespace: string, name: string) => void;
}

/** The key of an object in maps keyed by identity: `namespace/name`, or `name` when cluster-scoped. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name ?? ""}` : (obj.metadata.name ?? "");
}

function resourceVersionOf(value: unknown): string | undefined {
  return (value as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
}

function sameResourceVersion(a: unknown, b: unknown): boolean {
  const rv = resourceVersionOf(a);
  return rv !== undefined && rv === resourceVersionOf(b);
}

/**
 * Cached values by namespace ("" when cluster-scoped), then name. Two levels rather than
 * `namespace/name` keys: a joined key is one more string per object (about 3 MB per 100,000).
 */
class Store<V> {
  readonly #byNamespace = new Map<string, Map<string, V>>();
  #size = 0;

  get(namespace: string, name: string): V | undefined {
    return this.#byNamespace.get(namespace)?.get(name);
  }

  set(namespace: string, name: string, value: V): void {
    let names = this.#byNamespace.get(namespace);
    if (!names) this.#byNamespace.set(namespace, (names = new Map()));
    if (!names.has(name)) this.#size++;
    names.set(name, value);
  }

  delete(namespace: string, name: string): void {
    const names = this.#byNamespace.get(namespace);
    if (!names?.delete(name)) return;
    this.#size--;
    if (names.size === 0) this.#byNamespace.delete(namespace);
  }

  has(namespace: string, name: string): boolean {
    return this.#byNamespace.get(namespace)?.has(name) ?? false;
  }

  /** The values of one namespace, by name (the namespace index is the store's own first level). */
  namespace(namespace: string): ReadonlyMap<string, V> | undefined {
    return this.#byNamespace.get(namespace);
  }

  get size(): number {
    return this.#size;
  }

  *entries(): Generator<[namespace: string, name: string, value: V]> {
    for (const [namespace, names] of this.#byNamespace)
      for (const [name, value] of names) yield [namespace, name, value];
  }

  *values(): Generator<V> {
    for (const names of this.#byNamespace.values()) yield* names.values();
  }
}

/** Objects per list page. */
const LIST_PAGE_SIZE = 500;

/** How often a long first list says how far it got. */
const PROGRESS_EVERY_MS = 5_000;

/** Why a watch stopped: cleanly (resume), or history is gone (relist). */
type WatchEnd = "resume" | "relist";

/** The informer. */
export class Informer<T extends KubeObject, V = T> {
  readonly #source: InformerSource;
  readonly #info: ResourceInfo;
  readonly #options: InformerOptions<T, V>;
  readonly #transform: (obj: T) => V;
  readonly #same: (a: V, b: V) => boolean;
  readonly #cache = new Store<V>();
  readonly #indexer = new Indexer<V>();
  readonly #handlers: { [K in keyof InformerHandlers<V>]: InformerHandlers<V>[K][] } = {
    add: [],
    update: [],
    delete: [],
  };
  readonly #log;
  #resourceVersion = "";
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #running: Promise<void> | undefined;

  constructor(client: InformerSource, info: ResourceInfo, options: InformerOptions<T, V> = {}) {
    this.#source = client;
    this.#info = info;
    this.#options = options;
    this.#transform = options.transform ?? ((obj) => obj as unknown as V);
    this.#same = options.same ?? sameResourceVersion;
    this.#log = logger("informer").child({ resource: info.resource });
  }

  /** Subscribes to one kind of change. Register handlers before {@link start}. */
  on<K extends keyof InformerHandlers<V>>(event: K, handler: InformerHandlers<V>[K]): void {
    this.#handlers[event].push(handler);
  }

  /** Starts listing and watching until `signal` aborts. Calling it twice is an error. */
  start(signal: AbortSignal): void {
    if (this.#running) throw new Error(`informer for ${this.#info.resource} already started`);
    const m = this.#options.metrics;
    const leave =
      m &&
      registerInformer(m.registry, {
        component: m.component,
        resource: this.#info.resource,
        synced: () => this.#synced,
        size: () => this.#cache.size,
      });
    this.#running = this.#run(signal).finally(leave);
  }

  /** Resolves once the loop started by {@link start} has ended (after its signal aborted). */
  async stopped(): Promise<void> {
    await this.#running;
  }

  /** Whether the first list has been loaded into the cache. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves once synced; rejects with the signal's reason if it aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#syncWaiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  /** The cached value, if any (`namespace` is ignored for cluster-scoped resources). */
  get(namespace: string | undefined, name: string): V | undefined {
    return this.#cache.get(this.#info.namespaced ? (namespace ?? "") : "", name);
  }

  /**
   * Every cached value: a pass over the whole kind. Components call it only off the hot path (a
   * count, a resync); per-event lookups go through {@link byNamespace} and {@link byIndex}.
   */
  list(): V[] {
    return [...this.#cache.values()];
  }

  /** How many objects are cached. */
  get size(): number {
    return this.#cache.size;
  }

  /** The cached values of one namespace (client-go's `ByIndex(NamespaceIndex, ns)`), without a scan. */
  byNamespace(namespace: string): Indexed<V>[] {
    const names = this.#cache.namespace(namespace);
    if (!names) return [];
    const out: Indexed<V>[] = [];
    for (const [name, value] of names) out.push({ value, namespace, name });
    return out;
  }

  /**
   * Registers a named index (client-go's `AddIndexers`): `fn` says under which values an object is
   * filed, and {@link byIndex} reads them back. Register before {@link start}.
   */
  addIndex(name: string, fn: IndexFunc<V>): void {
    if (this.#running) throw new Error(`index ${name} added to the ${this.#info.resource} informer after start`);
    this.#indexer.add(name, fn);
  }

  /** The cached values filed under `value` in index `name`. */
  byIndex(name: string, value: string): Indexed<V>[] {
    return this.#indexer.get(name, value);
  }

  /** The resource (plural) this informer caches: what a test counting calls tells informers apart by. */
  get resource(): string {
    return this.#info.resource;
  }

  /** The resourceVersion the next watch starts from. */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.#relist();
          needList = false;
        }
        const end = await this.#watch(signal, () => (failures = 0));
        if (end === "relist") needList = true;
      } catch (err) {
        if (signal.aborted) break;
        needList = true;
        if (err instanceof ClientError && err.code === 410) continue;
        const delay = Math.min(
          this.#options.maxBackoffMs ?? 10_000,
          (this.#options.baseBackoffMs ?? 100) * 2 ** Math.min(failures, 30),
        );
        failures++;
        this.#log.warn({ err: String(err), retryInMs: delay }, "list/watch failed; relisting after backoff");
        await sleep(delay, signal);
      }
    }
  }

  /**
   * Lists every object and applies each page as it arrives (no second copy of the cache while a
   * big list streams in), then drops what the list no longer has.
   */
  async #relist(): Promise<void> {
    const seen = this.#cache.size > 0 ? new Store<true>() : undefined;
    let cont: string | undefined;
    let rv = "";
    const started = Date.now();
    let said = started;
    do {
      // Pages of 500, as client-go's reflector: a 100,000-object list never sits in memory whole.
      const page = await this.#source.list<T>(this.#info, this.#options.namespace, {
        limit: LIST_PAGE_SIZE,
        ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}),
        ...(cont ? { continue: cont } : {}),
      });
      if (!rv) rv = page.metadata.resourceVersion;
      for (const item of page.items) {
        // List items carry no apiVersion and kind (the list does): put them back, as client-go does.
        if (!item.apiVersion) item.apiVersion = apiVersionOf(this.#info);
        if (!item.kind) item.kind = this.#info.kind;
        const namespace = this.#namespaceOf(item);
        const name = item.metadata.name ?? "";
        seen?.set(namespace, name, true);
        this.#store(namespace, name, this.#transform(item));
      }
      cont = page.metadata.continue || undefined;
      if (cont && Date.now() - said >= PROGRESS_EVERY_MS) {
        said = Date.now();
        this.#log.info({ listed: this.#cache.size, seconds: Math.round((said - started) / 1000) }, "still listing");
      }
    } while (cont);
    if (said !== started)
      this.#log.info({ listed: this.#cache.size, seconds: Math.round((Date.now() - started) / 1000) }, "listed");
    if (seen) {
      for (const [namespace, name, old] of [...this.#cache.entries()]) {
        if (seen.has(namespace, name)) continue;
        this.#cache.delete(namespace, name);
        this.#indexer.replace(old, undefined, namespace, name);
        this.#emit("delete", old, namespace, name);
      }
    }
    this.#resourceVersion = rv;
    if (!this.#synced) {
      this.#synced = true;
      const waiters = this.#syncWaiters;
      this.#syncWaiters = [];
      for (const w of waiters) w();
    }
  }

  async #watch(signal: AbortSignal, onProgress: () => void): Promise<WatchEnd> {
    const local = new AbortController();
    const both = AbortSignal.any([signal, local.signal]);
    try {
      const query = {
        resourceVersion: this.#resourceVersion,
        ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}),
      };
      for await (const event of this.#source.watch<T>(this.#info, this.#options.namespace, query, both)) {
        if (event.type === "ERROR") {
          const status = event.object as unknown as { code?: number; message?: string };
          if (status.code === 410) return "relist";
          throw new Error(`watch of ${this.#info.resource} failed: ${status.message ?? JSON.stringify(status)}`);
        }
        this.#apply(event);
        onProgress();
      }
      return "resume";
    } finally {
      local.abort();
    }
  }

  #apply(event: WatchEvent<T>): void {
    const rv = event.object.metadata.resourceVersion;
    if (event.type !== "BOOKMARK") {
      const namespace = this.#namespaceOf(event.object);
      const name = event.object.metadata.name ?? "";
      const value = this.#transform(event.object);
      if (event.type === "DELETED") {
        const old = this.#cache.get(namespace, name);
        if (old !== undefined) {
          this.#cache.delete(namespace, name);
          this.#indexer.replace(old, undefined, namespace, name);
          this.#emit("delete", value, namespace, name);
        }
      } else this.#store(namespace, name, value);
    }
    if (rv) this.#resourceVersion = rv;
  }

  /** Caches `value` and tells handlers whether it was added or (really) changed. */
  #store(namespace: string, name: string, value: V): void {
    const old = this.#cache.get(namespace, name);
    this.#cache.set(namespace, name, value);
    this.#indexer.replace(old, value, namespace, name);
    if (old === undefined) this.#emit("add", value, namespace, name);
    else if (!this.#same(old, value)) this.#emit("update", old, value, namespace, name);
  }

  #namespaceOf(obj: KubeObject): string {
    return this.#info.namespaced ? (obj.metadata.namespace ?? "") : "";
  }

  #emit<K extends keyof InformerHandlers<V>>(event: K, ...args: Parameters<InformerHandlers<V>[K]>): void {
    for (const handler of this.#handlers[event]) {
      try {
        (handler as (...a: Parameters<InformerHandlers<V>[K]>) => void)(...args);
      } catch (err) {
        this.#log.error({ err: String(err), event }, "informer handler threw");
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
