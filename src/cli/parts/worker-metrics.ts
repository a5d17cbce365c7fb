/**
 * `/metrics` of `kdns dns --workers N`: each worker counts in its own process, so the primary asks
 * every worker for its figures over the cluster IPC channel at scrape time and serves the sum of
 * theirs and its own, combined as prom-client's AggregatorRegistry does (counters and histograms
 * summed; a family may say otherwise: `coredns_plugin_enabled` takes the greatest value,
 * `kdns_informer_synced` the least, Node's version info the first). prom-client's own
 * `clusterMetrics()` leaves the primary's figures out, hence this.
 */
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";
import type { MetricsSource } from "../../machinery/metrics-endpoint.ts";
import { answerPrimary, askWorker } from "./worker-ask.ts";

type MetricJson = Awaited<ReturnType<Registry["getMetricsAsJSON"]>>[number];

/** How long a scrape waits for a worker; one that is slower (or dying) is left out of that scrape. */
const REPLY_MS = 2000;

/** In a worker: answers the primary's requests with `registry`'s figures (none when collecting failed). */
export function answerMetricRequests(registry: Registry): void {
  answerPrimary<null, MetricJson[]>("metrics", () => registry.getMetricsAsJSON().catch(() => []));
}

function ask(worker: Worker): Promise<MetricJson[] | undefined> {
  return askWorker<null, MetricJson[]>(worker, "metrics", null, REPLY_MS);
}

/** In the primary: `/metrics` as the sum of `own` and every live worker's registry. */
export function workerPoolMetrics(own: Registry): MetricsSource {
  return {
    contentType: own.contentType,
    async metrics(): Promise<string> {
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      const replies = await Promise.all(workers.map(ask));
      const all = [await own.getMetricsAsJSON(), ...replies.filter((r): r is MetricJson[] => r !== undefined)];
      return AggregatorRegistry.aggregate(all).metrics();
    },
  };
}
