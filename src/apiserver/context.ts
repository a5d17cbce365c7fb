/** What every request handler shares. */
import type { Storage } from "../storage/storage.ts";
import type { ClusterIpAllocator } from "./cluster-ip/allocator.ts";

/** The API server's state, passed to handlers. */
export interface ApiContext {
  storage: Storage;
  ips: ClusterIpAllocator;
  /** How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK. */
  bookmarkIntervalMs: number;
}
