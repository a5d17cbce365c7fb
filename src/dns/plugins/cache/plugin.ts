/**
 * The cache plugin: keeps what `next` (forward) answered, for as long as the answer says and
 * within bounds. Positive answers live for their smallest TTL, negative ones (NXDOMAIN, NODATA)
 * for min(SOA TTL, SOA MINIMUM) (RFC 2308 §5); SERVFAIL and truncated answers are not kept, and
 * a negative answer without an SOA is not either (RFC 2308 §5). With `serveStale` an expired
 * answer is still served, with TTL 30, when the upstream fails (RFC 8767 §4).
 */
import type { Registry } from "prom-client";
import type { DnsServerLabels } from "../../metric-labels.ts";
import type { DnsPlugin, DnsReply, DnsRequest, Next, PluginNote } from "../../plugin.ts";
import { CLASS_IN, RCODE } from "../../wire/constants.ts";
import { readMessage } from "../../wire/message.ts";
import type { ParsedQuery } from "../../wire/query.ts";
import { udpLimit, writeAnswer } from "../../wire/response.ts";
import { type CacheEntry, makeEntry, renderEntry } from "./entry.ts";
import { CacheMetrics, isDenial } from "./metrics.ts";

/** Settings of {@link CachePlugin}; every default is here. */
export interface CacheOptions {
  /** Most answers kept (default 10,000); the oldest goes first when full. */
  maxEntries?: number;
  /** Cap on a positive answer's lifetime in seconds (default 3600). */
  maxTtl?: number;
  /** Cap on a negative answer's lifetime in seconds (default 1800). */
  maxNegativeTtl?: number;
  /** Floor on any cached lifetime in seconds (default 0: TTL 0 answers are not kept). */
  minTtl?: number;
  /** How long past expiry an answer may still be served when the upstream fails, in seconds (0 = off). */
  serveStale?: number;
  /** The clock in milliseconds (default Date.now); tests inject one. */
  now?: () => number;
  /** Count requests, hits, evictions and entries with CoreDNS's cache metrics (default: not counted). */
  metrics?: { registry: Registry; labels: DnsServerLabels };
}

/** RFC 8767 §4: the TTL of a stale answer. */
export const STALE_TTL = 30;

/**
 * The key under the (lower-case) name: type plus the EDNS bits that change the answer (OPT present,
 * DO, CD). A small integer, so the per-name map is keyed by numbers and a hit builds no string.
 */
function subKey(q: ParsedQuery): number {
  const edns = q.edns ? (q.edns.dnssecOk ? 2 : 1) : 0;
  return q.qtype | (edns << 16) | (q.checkingDisabled ? 1 << 18 : 0);
}

/** Caches upstream answers. */
export class CachePlugin implements DnsPlugin {
  readonly name = "cache";
  /** name → subKey → entry; names in insertion order, so the first is the oldest. */
  readonly #entries = new Map<string, Map<number, CacheEntry>>();
  #count = 0;
  readonly #maxEntries: number;
  readonly #maxTtl: number;
  readonly #maxNegativeTtl: number;
  readonly #minTtl: number;
  readonly #staleMs: number;
  readonly #now: () => number;
  readonly #metrics: CacheMetrics | undefined;

  constructor(options: CacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxTtl = options.maxTtl ?? 3600;
    this.#maxNegativeTtl = options.maxNegativeTtl ?? 1800;
    this.#minTtl = options.minTtl ?? 0;
    this.#staleMs = (options.serveStale ?? 0) * 1000;
    this.#now = options.now ?? Date.now;
    this.#metrics = options.metrics
      ? new CacheMetrics(options.metrics.registry, options.metrics.labels, () => this.#held())
      : undefined;
    for (const [k, v] of Object.entries({
      maxEntries: this.#maxEntries,
      maxTtl: this.#maxTtl,
      maxNegativeTtl: this.#maxNegativeTtl,
      minTtl: this.#minTtl,
      serveStale: this.#staleMs,
    })) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`cache: ${k} must be a non-negative number, got ${v}`);
    }
  }

  /** Number of answers held (fresh or stale). */
  get size(): number {
    return this.#count;
  }

  /** Answers held, by CoreDNS's `type` (read when metrics are scraped). */
  #held(): { success: number; denial: number } {
    let denial = 0;
    for (const byKey of this.#entries.values()) for (const entry of byKey.values()) if (isDenial(entry.bytes)) denial++;
    return { success: this.#count - denial, denial };
  }

  servedFromMemo(response: Buffer): void {
    this.#metrics?.request();
    this.#metrics?.hit(isDenial(response));
  }

  explain(req: DnsRequest): PluginNote {
    const entry = this.#entries.get(req.query.name)?.get(subKey(req.query));
    const now = this.#now();
    if (!entry) return { plugin: "cache", verdict: "passes", reasons: ["no cached answer: asked upstream"] };
    const cache = {
      ageSeconds: Math.floor((now - entry.storedAt) / 1000),
      ttlSeconds: Math.floor((entry.expiresAt - now) / 1000),
    };
    if (entry.expiresAt > now)
      return {
        plugin: "cache",
        verdict: "answers",
        reasons: [`a cached upstream answer, ${cache.ageSeconds} s old, ${cache.ttlSeconds} s left`],
        cache,
      };
    return {
      plugin: "cache",
      verdict: "passes",
      reasons: [
        `the cached answer expired ${-cache.ttlSeconds} s ago: asked upstream again (served stale if that fails)`,
      ],
      cache,
    };
  }

  serve(req: DnsRequest, next: Next): DnsReply | Promise<DnsReply> {
    const q = req.query;
    // Only class IN is kept (the handler refuses the others before any plugin sees them).
    if (q.qclass !== CLASS_IN) return next(req);
    this.#metrics?.request();
    const key = subKey(q);
    const entry = this.#entries.get(q.name)?.get(key);
    const now = this.#now();
    if (entry) {
      if (entry.expiresAt > now) return this.#fresh(req, entry, now);
      if (entry.expiresAt + this.#staleMs <= now) this.#delete(q.name, key);
    }
    const stale = entry && entry.expiresAt + this.#staleMs > now ? entry : undefined;
    let reply: DnsReply | Promise<DnsReply>;
    try {
      reply = next(req);
    } catch (err) {
      if (stale) return this.#staleHit(req, stale);
      throw err;
    }
    if (!(reply instanceof Promise)) return this.#after(req, key, reply, stale);
    return reply.then(
      (r) => this.#after(req, key, r, stale),
      (err: unknown) => {
        if (stale) return this.#staleHit(req, stale);
        throw err;
      },
    );
  }

  #after(req: DnsRequest, key: number, reply: DnsReply, stale: CacheEntry | undefined): DnsReply {
    if (reply.type === "answer") {
      return stale && reply.rcode === RCODE.SERVFAIL ? this.#staleHit(req, stale) : reply;
    }
    if (reply.type !== "raw") return reply;
    const layout = readMessage(reply.bytes);
    if (!layout) return reply;
    if (layout.rcode === RCODE.SERVFAIL && stale) return this.#staleHit(req, stale);
    if (layout.truncated) return reply;
    let ttl: number | undefined;
    if (layout.rcode === RCODE.NOERROR && layout.minAnswerTtl !== undefined) {
      ttl = Math.min(layout.minAnswerTtl, this.#maxTtl);
    } else if (
      (layout.rcode === RCODE.NXDOMAIN || layout.rcode === RCODE.NOERROR) &&
      layout.negativeTtl !== undefined
    ) {
      ttl = Math.min(layout.negativeTtl, this.#maxNegativeTtl);
    }
    if (ttl === undefined) return reply;
    ttl = Math.max(ttl, this.#minTtl);
    const now = this.#now();
    if (ttl > 0) this.#store(req.query.name, key, makeEntry(reply.bytes, layout, now, now + ttl * 1000));
    return reply;
  }

  #store(name: string, key: number, entry: CacheEntry): void {
    if (this.#maxEntries === 0) return;
    this.#delete(name, key);
    // Full: drop the oldest name (all its types); cheap, and a flood of new names cannot grow it.
    while (this.#count >= this.#maxEntries) {
      const oldest = this.#entries.entries().next();
      if (oldest.done) break;
      this.#count -= oldest.value[1].size;
      for (const entry of oldest.value[1].values()) {
        entry.stale = true;
        this.#metrics?.evicted(isDenial(entry.bytes));
      }
      this.#entries.delete(oldest.value[0]);
    }
    let byKey = this.#entries.get(name);
    if (!byKey) {
      byKey = new Map();
      this.#entries.set(name, byKey);
    }
    byKey.set(key, entry);
    this.#count++;
  }

  #delete(name: string, key: number): void {
    const byKey = this.#entries.get(name);
    const entry = byKey?.get(key);
    if (!byKey || !entry) return;
    entry.stale = true;
    byKey.delete(key);
    this.#count--;
    if (byKey.size === 0) this.#entries.delete(name);
  }

  /**
   * A fresh hit. It also says what its bytes depend on, so the UDP response memo may reuse them:
   * the entry staying cached, and the TTL they carry, which drops by one each second.
   */
  #fresh(req: DnsRequest, entry: CacheEntry, now: number): DnsReply {
    this.#metrics?.hit(isDenial(entry.bytes));
    const ttl = Math.floor((entry.expiresAt - now) / 1000);
    const reply = this.#hit(req, entry, ttl);
    // Not a TC stand-in: those are written for this query alone.
    if (reply.type === "raw" && reply.bytes.length === entry.bytes.length) {
      const until = entry.expiresAt - ttl * 1000;
      const clock = this.#now;
      reply.sources = [
        {
          get stale() {
            return entry.stale || clock() > until;
          },
        },
      ];
    }
    return reply;
  }

  /** An expired answer, served because the upstreams failed (RFC 8767 §4). */
  #staleHit(req: DnsRequest, entry: CacheEntry): DnsReply {
    this.#metrics?.servedStale();
    return this.#hit(req, entry, STALE_TTL);
  }

  #hit(req: DnsRequest, entry: CacheEntry, ttl: number): DnsReply {
    const limit = req.transport === "udp" ? udpLimit(req.query.edns) : 65535;
    if (entry.bytes.length > limit) {
      const flags = {
        rcode: entry.rcode,
        authoritative: entry.authoritative,
        recursionAvailable: entry.recursionAvailable,
        truncated: true,
      };
      return { type: "raw", bytes: writeAnswer(req.msg, req.query, flags, undefined, limit) };
    }
    return { type: "raw", bytes: renderEntry(entry, req.msg, req.query.questionEnd, ttl) };
  }
}
