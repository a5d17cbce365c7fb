/**
 * A list-then-watch cache of one resource (the Kubernetes reflector + informer pattern): the
 * only way components learn about objects. Readers use the cache; handlers hear add / update /
 * delete. Missed history (a 410, a broken stream) is repaired by relisting and diffing the cache
 * against the new list, so no deleted object lingers and no change is lost.
 */

import type { Registry } from "prom-client";
import type { ResourceInfo } from "../api/resources.ts";
import type { KubeObject, WatchEvent } from "../api/types.ts";
import { logger } from "../machinery/log.ts";
import { type Indexed, Indexer, type IndexFunc } from "./indexer.ts";
import { registerInformer } from "./informer-metrics.ts";
import { type InformerSource, Reflector, type ReflectorOptions, type ReflectorSink } from "./reflector.ts";

export type { InformerSource } from "./reflector.ts";

/** Options of {@link Informer}. */
export interface InformerOptions<T extends KubeObject, V = T> extends ReflectorOptions {
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
  /** Show the cache in this registry's `kdns_informer_*` gauges while it runs, labelled `component`. */
  metrics?: { registry: Registry; component: string };
  /**
   * Hear this (shared) reflector instead of listing and watching alone (see shared-informers.ts);
   * its namespace and selector apply, not the ones here.
   */
  reflector?: Reflector<T>;
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

/** The informer. */
export class Informer<T extends KubeObject, V = T> implements ReflectorSink<T> {
  readonly #reflector: Reflector<T>;
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
  /** What the list in progress named, when the cache had objects before it (the rest are gone). */
  #seen: Store<true> | undefined;
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #running: Promise<void> | undefined;

  constructor(client: InformerSource, info: ResourceInfo, options: InformerOptions<T, V> = {}) {
    this.#reflector = options.reflector ?? new Reflector<T>(client, info, options);
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
    this.#running = this.#reflector.attach(this, signal).finally(leave);
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

  /** From the reflector: a list begins. */
  listStarted(): void {
    this.#seen = this.#cache.size > 0 ? new Store<true>() : undefined;
  }

  /** From the reflector: one listed object. */
  listItem(item: T): void {
    const namespace = this.#namespaceOf(item);
    const name = item.metadata.name ?? "";
    this.#seen?.set(namespace, name, true);
    this.#store(namespace, name, this.#transform(item));
  }

  /** From the reflector: the list is complete; drops what it did not name. */
  listed(resourceVersion: string): void {
    const seen = this.#seen;
    this.#seen = undefined;
    if (seen) {
      for (const [namespace, name, old] of [...this.#cache.entries()]) {
        if (seen.has(namespace, name)) continue;
        this.#cache.delete(namespace, name);
        this.#indexer.replace(old, undefined, namespace, name);
        this.#emit("delete", old, namespace, name);
      }
    }
    this.#resourceVersion = resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      const waiters = this.#syncWaiters;
      this.#syncWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** From the reflector: one watch event. */
  event(event: WatchEvent<T>): void {
    const rv = event.object.metadata.resourceVersion;
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
