/**
 * The cache plugin's metrics with CoreDNS's names and labels (plugin/cache/metrics.go):
 * requests, hits and evictions by `type` (success or denial), stale answers served, prefetches
 * (kdns does not prefetch: always 0) and the entries held, read when scraped.
 */
import type { Registry } from "prom-client";
import { IndexedCounter } from "../../../machinery/fast-metrics.ts";
import type { DnsServerLabels } from "../../metric-labels.ts";

/** `success` for an answer, `denial` for NXDOMAIN or an empty answer section (NODATA). */
export function isDenial(message: Buffer): boolean {
  return (message[3]! & 0x0f) !== 0 || message.readUInt16BE(6) === 0;
}

/** Counters of one cache. */
export class CacheMetrics {
  readonly #requests: IndexedCounter;
  readonly #hits: IndexedCounter;
  readonly #evictions: IndexedCounter;
  readonly #stale: IndexedCounter;

  /** `entries()` is read at scrape time: how many answers of each type are held. */
  constructor(registry: Registry, server: DnsServerLabels, entries: () => { success: number; denial: number }) {
    const labels = () => ({ server: server.server, zones: ".", view: server.view });
    const type: [string, string[]] = ["type", ["success", "denial"]];
    this.#requests = new IndexedCounter("coredns_cache_requests_total", "The count of cache requests.", {
      fixed: labels,
    }).registerIn(registry);
    this.#hits = new IndexedCounter("coredns_cache_hits_total", "The count of cache hits.", {
      fixed: labels,
      dims: [type],
    }).registerIn(registry);
    this.#evictions = new IndexedCounter("coredns_cache_evictions_total", "The count of cache evictions.", {
      fixed: labels,
      dims: [type],
    }).registerIn(registry);
    this.#stale = new IndexedCounter(
      "coredns_cache_served_stale_total",
      "The number of requests served from stale cache entries.",
      {
        fixed: labels,
      },
    ).registerIn(registry);
    new IndexedCounter("coredns_cache_prefetch_total", "The number of times the cache has prefetched a cached item.", {
      fixed: labels,
    }).registerIn(registry);
    const held = new IndexedCounter(
      "coredns_cache_entries",
      "The number of elements in the cache.",
      { fixed: labels, dims: [type] },
      "gauge",
    ).registerIn(registry);
    const samples = held.samples.bind(held);
    held.samples = () => {
      const now = entries();
      held.set(0, now.success);
      held.set(1, now.denial);
      return samples();
    };
  }

  /** A question reached the cache. */
  request(): void {
    this.#requests.inc();
  }

  /** A fresh answer was served from the cache. */
  hit(denial: boolean): void {
    this.#hits.inc(denial ? 1 : 0);
  }

  /** An expired answer was served because the upstreams failed (RFC 8767). */
  servedStale(): void {
    this.#stale.inc();
  }

  /** A full cache dropped an answer. */
  evicted(denial: boolean): void {
    this.#evictions.inc(denial ? 1 : 0);
  }
}
