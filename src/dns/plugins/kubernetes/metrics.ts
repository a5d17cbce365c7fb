/**
 * `coredns_kubernetes_dns_programming_duration_seconds{service_kind}` as CoreDNS has it
 * (plugin/kubernetes/metrics.go): from the change an Endpoints write answers (its
 * last-change-trigger-time annotation) to the moment this server has the new data.
 */
import type { Registry } from "prom-client";
import { exponentialBuckets, IndexedHistogram } from "../../../machinery/fast-metrics.ts";

const KINDS = ["cluster_ip", "headless_with_selector", "headless_without_selector"] as const;

/** A Service's kind as the metric labels it. */
export type ProgrammedKind = (typeof KINDS)[number];

/** The histogram of one kubernetes plugin. */
export class ProgrammingMetrics {
  readonly #duration: IndexedHistogram;

  constructor(registry: Registry) {
    this.#duration = new IndexedHistogram(
      "coredns_kubernetes_dns_programming_duration_seconds",
      "Histogram of the time (in seconds) it took to program a dns instance.",
      exponentialBuckets(0.001, 2, 20),
      { dims: [["service_kind", KINDS]] },
    ).registerIn(registry);
  }

  /** The data a change at `triggeredAt` (ms since the epoch) produced is served from `now`. */
  programmed(kind: ProgrammedKind, triggeredAt: number, now: number): void {
    this.#duration.observe(KINDS.indexOf(kind), Math.max(0, now - triggeredAt) / 1000);
  }
}
