/**
 * Which Events to write, after client-go's `EventCorrelator` (pure; the clock is passed in). An
 * event that repeats — same object, type, reason, message and reporting component — within the
 * window updates the one Event already written (its `count` and `lastTimestamp`) instead of adding
 * another; and each (component, object) pair has a token bucket, so a storm about one object is
 * dropped rather than written (client-go's spam filter: a burst of 25, then one per 5 minutes).
 */

/** The object an event is about (core/v1 ObjectReference). */
export interface EventObject {
  apiVersion?: string;
  kind: string;
  /** Absent for a cluster-scoped object: its Events go to `default`, as client-go puts them. */
  namespace?: string;
  name: string;
  uid?: string;
}

/** `Normal` or `Warning`, the two types Kubernetes knows. */
export type EventType = "Normal" | "Warning";

/** One occurrence as a component reports it. */
export interface EventOccurrence {
  object: EventObject;
  type: EventType;
  reason: string;
  message: string;
}

/** What to write for an occurrence. */
export type Correlation =
  | { type: "create" | "update"; key: string; name: string; count: number; first: number; last: number }
  | { type: "drop"; why: "rate-limited" };

/** Settings of {@link EventCorrelator}; every one has client-go's value as its default. */
export interface CorrelatorOptions {
  /** A repeat within this long of the last occurrence counts into the same Event (default 10 min). */
  windowMs?: number;
  /** Events one object may get at once (default 25). */
  burst?: number;
  /** One more is allowed after this long (default 5 min). */
  refillMs?: number;
  /** Distinct events and objects remembered; the least recently seen are forgotten (default 4096). */
  maxKeys?: number;
}

interface Seen {
  name: string;
  count: number;
  first: number;
  last: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The greatest length of an Event name (a DNS-1123 subdomain). */
const MAX_NAME = 253;

/** The key of the Event an occurrence counts into. */
export function eventKey(component: string, o: EventOccurrence): string {
  return JSON.stringify([component, objectKey(o.object), o.type, o.reason, o.message]);
}

function objectKey(obj: EventObject): string {
  return `${obj.apiVersion ?? ""}/${obj.kind}/${obj.namespace ?? ""}/${obj.name}/${obj.uid ?? ""}`;
}

/** Decides, for each occurrence, whether it makes a new Event, updates one, or is dropped. */
export class EventCorrelator {
  readonly #component: string;
  readonly #windowMs: number;
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #maxKeys: number;
  readonly #seen = new Map<string, Seen>();
  readonly #buckets = new Map<string, Bucket>();
  #sequence = 0;

  constructor(component: string, options: CorrelatorOptions = {}) {
    this.#component = component;
    this.#windowMs = options.windowMs ?? 10 * 60_000;
    this.#burst = options.burst ?? 25;
    this.#refillMs = options.refillMs ?? 5 * 60_000;
    this.#maxKeys = options.maxKeys ?? 4096;
  }

  /** What to write for `o` seen at `now` (ms since the epoch). */
  observe(o: EventOccurrence, now: number): Correlation {
    if (!this.#take(`${this.#component}/${objectKey(o.object)}`, now)) return { type: "drop", why: "rate-limited" };
    const key = eventKey(this.#component, o);
    const seen = this.#seen.get(key);
    this.#seen.delete(key);
    if (seen && now - seen.last <= this.#windowMs) {
      const next = { ...seen, count: seen.count + 1, last: now };
      this.#remember(this.#seen, key, next);
      return { type: "update", key, ...next };
    }
    const next = { name: this.#name(o.object.name, now), count: 1, first: now, last: now };
    this.#remember(this.#seen, key, next);
    return { type: "create", key, ...next };
  }

  /** Token bucket of one (component, object) pair. */
  #take(key: string, now: number): boolean {
    const b = this.#buckets.get(key);
    this.#buckets.delete(key);
    const tokens = b ? Math.min(this.#burst, b.tokens + (now - b.at) / this.#refillMs) : this.#burst;
    const ok = tokens >= 1;
    const bucket = { tokens: ok ? tokens - 1 : tokens, at: now };
    this.#remember(this.#buckets, key, bucket);
    return ok;
  }

  /** Keeps `value` as the most recently used entry, forgetting the least recently used over the cap. */
  #remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.set(key, value);
    if (map.size > this.#maxKeys) map.delete(map.keys().next().value as string);
  }

  /** client-go's `<object>.<hex timestamp>`, made unique within this process by a sequence. */
  #name(objectName: string, now: number): string {
    const suffix = `.${(now * 1000 + (this.#sequence++ % 1000)).toString(16)}`;
    return objectName.slice(0, MAX_NAME - suffix.length).replace(/[-.]+$/, "") + suffix;
  }
}
