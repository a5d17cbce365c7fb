/**
 * The list + watch loop of one resource (client-go's Reflector), feeding one or more informers:
 * alone, each informer has its own; shared (see shared-informers.ts), every informer of a process
 * for the same resource hears the one list and the one watch, so the API server serves one watch
 * and each event is parsed once.
 *
 * An informer that joins a running reflector gets its own paged list first, while the events of
 * the shared watch are kept for it, and then those events newer than its list. kdns's
 * resourceVersions are the store's revisions, so "newer" is a number comparison.
 *
 * Objects reach informers without `metadata.managedFields`, as kube-controller-manager trims them:
 * no component reads them, and they are often the larger part of a small object's metadata.
 */
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import type { KubeObject, WatchEvent } from "../api/types.ts";
import { logger } from "../machinery/log.ts";
import { ClientError, type RestClient } from "./rest-client.ts";

/** The part of {@link RestClient} a reflector uses (a test may pass a fake). */
export type InformerSource = Pick<RestClient, "list" | "watch">;

/** What a reflector tells each informer it feeds. */
export interface ReflectorSink<T extends KubeObject> {
  /** A list begins; its items follow, then {@link listed}. A new list replaces an unfinished one. */
  listStarted(): void;
  listItem(obj: T): void;
  /** The list is complete at `resourceVersion`: what it did not name is gone. */
  listed(resourceVersion: string): void;
  /** A watch event (ADDED, MODIFIED or DELETED) newer than the list. */
  event(event: WatchEvent<T>): void;
}

/** Options of {@link Reflector}. */
export interface ReflectorOptions {
  /** Watch one namespace only (default: all). */
  namespace?: string;
  labelSelector?: string;
  /** First retry delay after an error (default 100 ms), doubled per failure up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  /** Largest retry delay (default 10 s). */
  maxBackoffMs?: number;
}

/** Objects per list page. */
const LIST_PAGE_SIZE = 500;

/** How often a long list says how far it got. */
const PROGRESS_EVERY_MS = 5_000;

/** Why a watch stopped: cleanly (resume), or history is gone (relist). */
type WatchEnd = "resume" | "relist";

interface Joiner<T extends KubeObject> {
  /** Events of the shared watch that arrived while the joiner's own list ran. */
  held: WatchEvent<T>[];
}

function revisionOf(obj: KubeObject): number {
  return Number(obj.metadata.resourceVersion ?? 0);
}

/** The reflector; it runs while at least one attached informer's signal is live. */
export class Reflector<T extends KubeObject> {
  readonly #source: InformerSource;
  readonly #info: ResourceInfo;
  readonly #options: ReflectorOptions;
  readonly #log;
  /** Informers fed by the shared list and watch. */
  readonly #sinks = new Set<ReflectorSink<T>>();
  /** Informers listing on their own before they join. */
  readonly #joining = new Map<ReflectorSink<T>, Joiner<T>>();
  /** Informers that joined with their own list: the shared watch's events up to this revision are not theirs. */
  readonly #from = new Map<ReflectorSink<T>, number>();
  #resourceVersion = "";
  /**
   * Before the shared list's first page, a new informer simply takes part in it; once that page
   * is in (or the watch runs), it lists alone.
   */
  #phase: "before-list" | "listing" | "watching" = "before-list";
  #stop: AbortController | undefined;
  #running: Promise<void> | undefined;

  constructor(source: InformerSource, info: ResourceInfo, options: ReflectorOptions = {}) {
    this.#source = source;
    this.#info = info;
    this.#options = options;
    this.#log = logger("informer").child({ resource: info.resource });
  }

  /** The resource reflected. */
  get info(): ResourceInfo {
    return this.#info;
  }

  /** The resourceVersion the next watch starts from. */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  /**
   * Feeds `sink` until `signal` aborts; resolves once it is detached (and, for the last one, once
   * the loop has ended).
   */
  async attach(sink: ReflectorSink<T>, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    if (!this.#stop) {
      this.#stop = new AbortController();
      this.#sinks.add(sink);
      this.#running = this.#run(this.#stop.signal);
    } else if (this.#phase === "before-list") this.#sinks.add(sink);
    else void this.#join(sink, this.#stop.signal);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    this.#sinks.delete(sink);
    this.#joining.delete(sink);
    this.#from.delete(sink);
    if (this.#sinks.size === 0 && this.#joining.size === 0) {
      this.#stop?.abort();
      const running = this.#running;
      this.#stop = undefined;
      this.#running = undefined;
      this.#phase = "before-list";
      await running;
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.#relist(signal);
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

  /** Lists for every informer: the ones still listing alone take part in this one instead. */
  async #relist(signal: AbortSignal): Promise<void> {
    this.#phase = "before-list";
    for (const sink of this.#joining.keys()) this.#sinks.add(sink);
    this.#joining.clear();
    this.#from.clear();
    let sinks: ReflectorSink<T>[] = [];
    this.#resourceVersion = await this.#list(
      (item) => {
        for (const sink of sinks) sink.listItem(item);
      },
      () => {
        this.#phase = "listing";
        sinks = [...this.#sinks];
        for (const sink of sinks) sink.listStarted();
      },
    );
    if (signal.aborted) return;
    for (const sink of sinks) sink.listed(this.#resourceVersion);
    this.#phase = "watching";
  }

  /** An informer attached while the watch runs: it lists alone, then hears the shared watch. */
  async #join(sink: ReflectorSink<T>, signal: AbortSignal): Promise<void> {
    const joiner: Joiner<T> = { held: [] };
    this.#joining.set(sink, joiner);
    const still = (): boolean => this.#joining.get(sink) === joiner && !signal.aborted;
    for (;;) {
      try {
        const rv = await this.#list(
          (item) => {
            if (still()) sink.listItem(item);
          },
          () => {
            if (still()) sink.listStarted();
          },
        );
        if (!still()) return;
        sink.listed(rv);
        const from = Number(rv);
        for (const ev of joiner.held) if (revisionOf(ev.object) > from) sink.event(ev);
        this.#joining.delete(sink);
        this.#sinks.add(sink);
        // The shared watch may still be behind this list (it starts from the shared list's revision).
        this.#from.set(sink, from);
        return;
      } catch (err) {
        if (!still()) return;
        this.#log.warn({ err: String(err) }, "list for a joining informer failed; retrying");
        joiner.held = [];
        await sleep(this.#options.baseBackoffMs ?? 100, signal);
      }
    }
  }

  /**
   * Lists every object page by page, handing each item to `item` as it arrives (a 100,000-object
   * list never sits in memory whole); `started` runs when the first page is in. Resolves with the
   * list's resourceVersion.
   */
  async #list(item: (obj: T) => void, started: () => void): Promise<string> {
    let cont: string | undefined;
    let rv = "";
    let listed = 0;
    const begun = Date.now();
    let said = begun;
    do {
      // Pages of 500, as client-go's reflector.
      const page = await this.#source.list<T>(this.#info, this.#options.namespace, {
        limit: LIST_PAGE_SIZE,
        ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}),
        ...(cont ? { continue: cont } : {}),
      });
      if (!rv) {
        rv = page.metadata.resourceVersion;
        started();
      }
      for (const obj of page.items) {
        // List items carry no apiVersion and kind (the list does): put them back, as client-go does.
        if (!obj.apiVersion) obj.apiVersion = apiVersionOf(this.#info);
        if (!obj.kind) obj.kind = this.#info.kind;
        delete obj.metadata.managedFields;
        item(obj);
      }
      listed += page.items.length;
      cont = page.metadata.continue || undefined;
      if (cont && Date.now() - said >= PROGRESS_EVERY_MS) {
        said = Date.now();
        this.#log.info({ listed, seconds: Math.round((said - begun) / 1000) }, "still listing");
      }
    } while (cont);
    if (said !== begun) this.#log.info({ listed, seconds: Math.round((Date.now() - begun) / 1000) }, "listed");
    return rv;
  }

  async #watch(signal: AbortSignal, onProgress: () => void): Promise<WatchEnd> {
    const query = {
      resourceVersion: this.#resourceVersion,
      ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}),
    };
    for await (const event of this.#source.watch<T>(this.#info, this.#options.namespace, query, signal)) {
      if (event.type === "ERROR") {
        const status = event.object as unknown as { code?: number; message?: string };
        if (status.code === 410) return "relist";
        throw new Error(`watch of ${this.#info.resource} failed: ${status.message ?? JSON.stringify(status)}`);
      }
      const rv = event.object.metadata.resourceVersion;
      if (event.type !== "BOOKMARK") {
        delete event.object.metadata.managedFields;
        const revision = revisionOf(event.object);
        for (const sink of this.#sinks) {
          const from = this.#from.get(sink);
          if (from === undefined) sink.event(event);
          else if (revision > from) {
            this.#from.delete(sink);
            sink.event(event);
          }
        }
        for (const joiner of this.#joining.values()) joiner.held.push(event);
      }
      if (rv) this.#resourceVersion = rv;
      onProgress();
    }
    return "resume";
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
