/**
 * A list-then-watch cache of one resource (the Kubernetes reflector + informer pattern): the
 * only way components learn about objects. Readers use the cache; handlers hear add / update /
 * delete. Missed history (a 410, a broken stream) is repaired by relisting and diffing the cache
 * against the new list, so no deleted object lingers and no change is lost.
 */
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import type { KubeObject, WatchEvent } from "../api/types.ts";
import { logger } from "../machinery/log.ts";
import { ClientError, type RestClient } from "./rest-client.ts";

/** The part of {@link RestClient} an informer uses (a test may pass a fake). */
export type InformerSource = Pick<RestClient, "list" | "watch">;

/** Options of {@link Informer}. */
export interface InformerOptions<T extends KubeObject> {
  /** Watch one namespace only (default: all). */
  namespace?: string;
  labelSelector?: string;
  /** Applied to every object before it is cached, e.g. to drop fields nobody reads (memory). */
  transform?: (obj: T) => T;
  /** First retry delay after an error (default 100 ms), doubled per failure up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  /** Largest retry delay (default 10 s). */
  maxBackoffMs?: number;
}

/** Handler signatures per event name. */
export interface InformerHandlers<T> {
  add: (obj: T) => void;
  update: (oldObj: T, newObj: T) => void;
  delete: (obj: T) => void;
}

/** `namespace/` strings, one per namespace, shared by every key in it. */
const prefixes = new Map<string, string>();

/**
 * The `namespace/` prefix of keys in `namespace`. Shared because `${ns}/${name}` would copy the
 * short prefix into a fresh string for every key (about 4 MB per 100,000 objects).
 */
export function namespacePrefix(namespace: string): string {
  let prefix = prefixes.get(namespace);
  if (prefix === undefined) prefixes.set(namespace, (prefix = `${namespace}/`));
  return prefix;
}

/** The cache key of an object: `namespace/name`, or `name` when cluster-scoped. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? namespacePrefix(ns) + (obj.metadata.name ?? "") : (obj.metadata.name ?? "");
}

/** Objects per list page. */
const LIST_PAGE_SIZE = 500;

/** Why a watch stopped: cleanly (resume), or history is gone (relist). */
type WatchEnd = "resume" | "relist";

/** The informer. */
export class Informer<T extends KubeObject> {
  readonly #source: InformerSource;
  readonly #info: ResourceInfo;
  readonly #options: InformerOptions<T>;
  readonly #cache = new Map<string, T>();
  readonly #handlers: { [K in keyof InformerHandlers<T>]: InformerHandlers<T>[K][] } = { add: [], update: [], delete: [] };
  readonly #log;
  #resourceVersion = "";
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #running: Promise<void> | undefined;

  constructor(client: InformerSource, info: ResourceInfo, options: InformerOptions<T> = {}) {
    this.#source = client;
    this.#info = info;
    this.#options = options;
    this.#log = logger("informer").child({ resource: info.resource });
  }

  /** Subscribes to one kind of change. Register handlers before {@link start}. */
  on<K extends keyof InformerHandlers<T>>(event: K, handler: InformerHandlers<T>[K]): void {
    this.#handlers[event].push(handler);
  }

  /** Starts listing and watching until `signal` aborts. Calling it twice is an error. */
  start(signal: AbortSignal): void {
    if (this.#running) throw new Error(`informer for ${this.#info.resource} already started`);
    this.#running = this.#run(signal);
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

  /** The cached object, if any (`namespace` is ignored for cluster-scoped resources). */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.#cache.get(this.#info.namespaced && namespace ? `${namespace}/${name}` : name);
  }

  /** Every cached object. */
  list(): T[] {
    return [...this.#cache.values()];
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
        continue;
      } catch (err) {
        if (signal.aborted) break;
        needList = true;
        if (err instanceof ClientError && err.code === 410) continue;
        const delay = Math.min(this.#options.maxBackoffMs ?? 10_000, (this.#options.baseBackoffMs ?? 100) * 2 ** Math.min(failures, 30));
        failures++;
        this.#log.warn({ err: String(err), retryInMs: delay }, "list/watch failed; relisting after backoff");
        await sleep(delay, signal);
      }
    }
  }

  async #relist(): Promise<void> {
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv = "";
    do {
      // Pages of 500, as client-go's reflector: a 100,000-object list never sits in memory whole.
      const page = await this.#source.list<T>(this.#info, this.#options.namespace, {
        limit: LIST_PAGE_SIZE,
        ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}),
        ...(cont ? { continue: cont } : {}),
      });
      if (!rv) rv = page.metadata.resourceVersion;
      for (const item of page.items) {
        const obj = this.#transform({ ...item, apiVersion: item.apiVersion || apiVersionOf(this.#info), kind: item.kind || this.#info.kind });
        fresh.set(objectKey(obj), obj);
      }
      cont = page.metadata.continue || undefined;
    } while (cont);
    for (const [key, old] of this.#cache) {
      if (!fresh.has(key)) {
        this.#cache.delete(key);
        this.#emit("delete", old);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.#cache.get(key);
      this.#cache.set(key, obj);
      if (!old) this.#emit("add", obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit("update", old, obj);
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
      const obj = this.#transform(event.object);
      const key = objectKey(obj);
      const old = this.#cache.get(key);
      if (event.type === "DELETED") {
        if (old) {
          this.#cache.delete(key);
          this.#emit("delete", obj);
        }
      } else {
        this.#cache.set(key, obj);
        if (!old) this.#emit("add", obj);
        else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit("update", old, obj);
      }
    }
    if (rv) this.#resourceVersion = rv;
  }

  #transform(obj: T): T {
    return this.#options.transform ? this.#options.transform(obj) : obj;
  }

  #emit<K extends keyof InformerHandlers<T>>(event: K, ...args: Parameters<InformerHandlers<T>[K]>): void {
    for (const handler of this.#handlers[event]) {
      try {
        (handler as (...a: Parameters<InformerHandlers<T>[K]>) => void)(...args);
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
