/**
 * Records core/v1 Events about objects, after client-go's `EventRecorder`: components report what
 * went wrong (`recorder.event(object, "Warning", "Conflict", message)`) and go on at once. The
 * {@link EventCorrelator} turns repeats into one Event whose `count` rises and drops storms; the
 * writes happen later, one at a time, from a bounded queue in which a repeat still waiting merges
 * into its earlier entry. A write that fails is dropped (logged, at warn only after a success):
 * Events are a help to people, never something a component waits for or retries hard.
 */
import { hostname } from "node:os";
import { resourceByKind, resourceByPath } from "../api/resources.ts";
import { logger } from "../machinery/log.ts";
import {
  type CorrelatorOptions,
  EventCorrelator,
  type EventObject,
  type EventOccurrence,
  type EventType,
} from "./event-correlator.ts";
import { ClientError, type RestClient } from "./rest-client.ts";

export type { EventObject, EventType } from "./event-correlator.ts";

/** What components report events to; {@link EventRecorder} is the one that writes them. */
export interface EventSink {
  /** Notes that `reason` happened to `object`; returns at once and never throws. */
  event(object: EventObject, type: EventType, reason: string, message: string): void;
}

/** Settings of {@link EventRecorder}. */
export interface EventRecorderOptions extends CorrelatorOptions {
  /**
   * Writes the Events; with `get`, an object named without its uid gets the uid the API holds for
   * it when its Event is created (kubectl describe lists an object's Events by uid).
   */
  client: Pick<RestClient, "create" | "patch"> & Partial<Pick<RestClient, "get">>;
  /** `source.component` and `reportingComponent` of every Event (`kdns-gateway`, `kdns-dns`). */
  component: string;
  /** `source.host` and `reportingInstance` (default the host name). */
  host?: string;
  /** Distinct Events waiting to be written at most; more are dropped (default 1000). */
  queueSize?: number;
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: () => number;
}

/** Longest message written; Kubernetes' own cap on an Event's note. */
const MAX_MESSAGE = 1024;

interface Pending {
  occurrence: EventOccurrence;
  create: boolean;
  name: string;
  count: number;
  first: number;
  last: number;
}

const EVENTS = resourceByPath("", "events");

function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A PEM header followed by base64 text: key or certificate material, not a mere mention of the format. */
const PEM_BODY = /-----BEGIN [A-Z0-9 ]+-----\s*[A-Za-z0-9+/=]{8,}/;

/**
 * The message as written: key material never (an error text quoting a PEM block is replaced), and
 * no longer than {@link MAX_MESSAGE}.
 */
export function safeMessage(message: string): string {
  if (PEM_BODY.test(message)) return "(message withheld: it contained key or certificate material)";
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}

/** Writes Events in the background; see the file comment. */
export class EventRecorder implements EventSink {
  readonly #client: EventRecorderOptions["client"];
  readonly #component: string;
  readonly #host: string;
  readonly #queueSize: number;
  readonly #clock: () => number;
  readonly #correlator: EventCorrelator;
  readonly #queue = new Map<string, Pending>();
  readonly #log = logger("events");
  #draining: Promise<void> | undefined;
  #dropped = 0;
  #closed = false;
  #failing = false;

  constructor(options: EventRecorderOptions) {
    this.#client = options.client;
    this.#component = options.component;
    this.#host = options.host ?? hostname();
    this.#queueSize = options.queueSize ?? 1000;
    this.#clock = options.clock ?? Date.now;
    this.#correlator = new EventCorrelator(options.component, options);
  }

  /** Events dropped because the queue was full (a storm larger than the rate limits allow for). */
  get dropped(): number {
    return this.#dropped;
  }

  event(object: EventObject, type: EventType, reason: string, message: string): void {
    if (this.#closed) return;
    try {
      const occurrence = { object, type, reason, message: safeMessage(message) };
      const c = this.#correlator.observe(occurrence, this.#clock());
      if (c.type === "drop") return;
      const waiting = this.#queue.get(c.key);
      if (waiting) {
        // Still unwritten: the one write carries the newest count.
        Object.assign(waiting, { count: c.count, last: c.last });
      } else if (this.#queue.size >= this.#queueSize) {
        if (this.#dropped++ === 0) this.#log.warn({ queueSize: this.#queueSize }, "event queue full; dropping events");
        return;
      } else {
        const { name, count, first, last } = c;
        this.#queue.set(c.key, { occurrence, create: c.type === "create", name, count, first, last });
      }
      this.#draining ??= this.#drain();
    } catch (err) {
      this.#log.debug({ err }, "event not recorded");
    }
  }

  /** Stops taking events; writes those waiting until `timeoutMs` passes, then drops the rest. */
  async close(timeoutMs = 1000): Promise<void> {
    this.#closed = true;
    const draining = this.#draining;
    if (!draining) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([draining, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    this.#queue.clear();
  }

  async #drain(): Promise<void> {
    for (let next = this.#shift(); next; next = this.#shift()) {
      try {
        await this.#write(next);
        this.#failing = false;
      } catch (err) {
        // The first failure after a success is a warning; more of the same (the API server is down) are not.
        const level = this.#failing ? "debug" : "warn";
        this.#failing = true;
        this.#log[level]({ err: String(err), reason: next.occurrence.reason }, "event write failed; dropped");
      }
    }
    this.#draining = undefined;
  }

  #shift(): Pending | undefined {
    const first = this.#queue.entries().next();
    if (first.done) return undefined;
    this.#queue.delete(first.value[0]);
    return first.value[1];
  }

  /** client-go's order: a repeat patches count and lastTimestamp; one the server lost is created again. */
  async #write(p: Pending): Promise<void> {
    if (!EVENTS) return;
    const namespace = p.occurrence.object.namespace ?? "default";
    if (!p.create) {
      try {
        await this.#client.patch(EVENTS, namespace, p.name, {
          count: p.count,
          lastTimestamp: time(p.last),
        });
        return;
      } catch (err) {
        if (!(err instanceof ClientError && err.code === 404)) throw err;
      }
    }
    await this.#client.create(EVENTS, namespace, this.#body(p, namespace, await this.#uidOf(p.occurrence.object)));
  }

  /** The object's uid: as reported, else as the API holds it now (none when it does not exist). */
  async #uidOf(object: EventObject): Promise<string | undefined> {
    const info = object.apiVersion !== undefined ? resourceByKind(object.apiVersion, object.kind) : undefined;
    if (object.uid !== undefined || !info || !this.#client.get) return object.uid;
    const namespace = info.namespaced ? (object.namespace ?? "default") : undefined;
    const found = await this.#client.get(info, namespace, object.name).catch(() => undefined);
    return found?.metadata.uid;
  }

  #body(p: Pending, namespace: string, uid: string | undefined): unknown {
    const { object, type, reason, message } = p.occurrence;
    return {
      metadata: { name: p.name, namespace },
      involvedObject: {
        kind: object.kind,
        namespace: object.namespace,
        name: object.name,
        uid,
        apiVersion: object.apiVersion,
      },
      reason,
      message,
      type,
      source: { component: this.#component, host: this.#host },
      firstTimestamp: time(p.first),
      lastTimestamp: time(p.last),
      count: p.count,
      reportingComponent: this.#component,
      reportingInstance: this.#host,
    };
  }
}
