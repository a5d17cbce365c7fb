/**
 * The live query stream (the console's query list): a query observer that does nothing but count
 * its watchers while there are none. With watchers, each answered query becomes a small event,
 * gathered and handed over every 100 ms, at most {@link MAX_BATCH} per batch (a flood is
 * reported as a number dropped, never buffered).
 */
import type { QueryObserver } from "./server/handler.ts";
import { rcodeName, typeName } from "./wire/names.ts";
import { parseQuery } from "./wire/query.ts";

/** One answered query. */
export interface QueryEvent {
  /** Epoch ms. */
  at: number;
  client: string;
  name: string;
  type: string;
  rcode: string;
  /** Milliseconds from receipt to answer. */
  ms: number;
  /** The plugin that answered. */
  plugin: string;
  transport: "udp" | "tcp";
}

/** What a watcher gets each flush. */
export interface QueryBatch {
  events: QueryEvent[];
  /** Queries left out of this batch (more than {@link MAX_BATCH} in 100 ms). */
  dropped: number;
}

/** Events per batch at most. */
export const MAX_BATCH = 200;

/** The feed; `pluginNames` names the plugin indexes the handler reports (the chain's length: the server). */
export class QueryFeed implements QueryObserver {
  readonly #watchers = new Set<(batch: QueryBatch) => void>();
  readonly #plugins: readonly string[];
  #pending: QueryEvent[] = [];
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(pluginNames: readonly string[]) {
    this.#plugins = pluginNames;
  }

  /** Calls `watcher` with each batch until the returned function is called. */
  watch(watcher: (batch: QueryBatch) => void): () => void {
    this.#watchers.add(watcher);
    this.#timer ??= setInterval(() => this.#flush(), 100).unref();
    return () => {
      this.#watchers.delete(watcher);
      if (this.#watchers.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
        this.#pending = [];
        this.#dropped = 0;
      }
    };
  }

  observe(
    udp: boolean,
    clientAddress: string,
    _clientPort: number,
    qtype: number,
    _dnssecOk: boolean,
    plugin: number,
    request: Buffer,
    response: Buffer,
    seconds: number,
  ): void {
    if (this.#watchers.size === 0) return;
    if (this.#pending.length >= MAX_BATCH) {
      this.#dropped++;
      return;
    }
    const q = parseQuery(request);
    const rcode = response[3]! & 0x0f;
    this.#pending.push({
      at: Date.now(),
      client: clientAddress,
      name: q.type === "query" ? q.name : "",
      type: typeName(qtype),
      rcode: rcodeName(rcode),
      ms: Math.round(seconds * 100_000) / 100,
      plugin: this.#plugins[plugin] ?? "server",
      transport: udp ? "udp" : "tcp",
    });
  }

  #flush(): void {
    if (this.#pending.length === 0 && this.#dropped === 0) return;
    const batch: QueryBatch = { events: this.#pending, dropped: this.#dropped };
    this.#pending = [];
    this.#dropped = 0;
    for (const w of this.#watchers) w(batch);
  }
}
