/**
 * The forward plugin's metrics with CoreDNS's names and labels (plugin/forward, pkg/proxy):
 * each exchange's duration by upstream and rcode, upstreams that failed ("health check
 * failures": kdns marks an upstream failed by the queries it sends, not by separate probes),
 * times when every upstream was down, and concurrency rejects (kdns sets no limit: always 0).
 */
import type { Registry } from "prom-client";
import { exponentialBuckets, IndexedCounter, IndexedHistogram } from "../../../machinery/fast-metrics.ts";
import { formatHostPort, type HostPort } from "../../../machinery/host-port.ts";

const RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "other"];

/** Counters of one forward plugin over its upstreams. */
export class ForwardMetrics {
  readonly #duration: IndexedHistogram;
  readonly #failures: IndexedCounter;
  readonly #broken: IndexedCounter;

  /** `upstreams` in the plugin's configured order; the indexes below are into it. */
  constructor(registry: Registry, upstreams: readonly HostPort[]) {
    const to: [string, string[]] = ["to", upstreams.map(formatHostPort)];
    const proxy = { proxy_name: "forward" };
    this.#duration = new IndexedHistogram(
      "coredns_proxy_request_duration_seconds",
      "Histogram of the time each request took.",
      exponentialBuckets(0.00025, 2, 16),
      { fixed: proxy, dims: [to, ["rcode", RCODES]] },
    ).registerIn(registry);
    this.#failures = new IndexedCounter(
      "coredns_proxy_healthcheck_failures_total",
      "Counter of the number of failed healthchecks.",
      { fixed: proxy, dims: [to] },
    ).registerIn(registry);
    this.#broken = new IndexedCounter(
      "coredns_forward_healthcheck_broken_total",
      "Counter of the number of complete failures of the healthchecks.",
    ).registerIn(registry);
    new IndexedCounter(
      "coredns_forward_max_concurrent_rejects_total",
      "Counter of the number of queries rejected because the concurrent queries were at maximum.",
    ).registerIn(registry);
  }

  /** An upstream answered with `rcode` after `seconds`. */
  exchanged(upstream: number, rcode: number, seconds: number): void {
    this.#duration.observe(this.#duration.index(upstream, Math.min(rcode, RCODES.length - 1)), seconds);
  }

  /** An upstream timed out or failed. */
  failed(upstream: number): void {
    this.#failures.inc(upstream);
  }

  /** Every upstream failed one query. */
  allFailed(): void {
    this.#broken.inc();
  }
}
