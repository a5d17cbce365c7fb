/** What every request handler shares. */
import type { Storage } from "../storage/storage.ts";
import type { ClusterIpAllocator } from "./cluster-ip/allocator.ts";
import type { RequestMetrics } from "./metrics/request-metrics.ts";

/** The API server's state, passed to handlers. */
export interface ApiContext {
  storage: Storage;
  ips: ClusterIpAllocator;
  /** How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK. */
  bookmarkIntervalMs: number;
  /** Live events a watcher may have waiting for its socket before it is closed as fallen behind (default 10,000). */
  watchQueueLimit?: number;
  /** Counts resource requests, when the server has a metrics registry. */
  requests?: RequestMetrics;
}
