/** The storage folder's public surface: the contract and the one factory the API server uses. */
import { join } from "node:path";
import { MemoryStorage } from "./memory/memory-storage.ts";
import type { Storage } from "./storage.ts";

export * from "./storage.ts";

/** Options of {@link openStorage}. */
export interface OpenStorageOptions {
  /** `embedded` (LMDB under `dataDir`, the default), `memory`, or `etcd`. */
  type: "embedded" | "memory" | "etcd";
  /** Where the embedded backend keeps its files (it uses `<dataDir>/store`). */
  dataDir: string;
  /** etcd client URLs, e.g. `http://127.0.0.1:2379`. */
  etcdEndpoints?: string[];
  /** Key prefix in etcd (default `/registry/`). */
  etcdPrefix?: string;
  /** Revisions of history kept for watch resume (memory and embedded; default 10,000). */
  historyWindow?: number;
}

/** Opens the configured backend. */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const history = options.historyWindow !== undefined ? { historyWindow: options.historyWindow } : {};
  switch (options.type) {
    case "memory":
      return new MemoryStorage(history);
    case "embedded": {
      const { EmbeddedStorage } = await import("./embedded/embedded-storage.ts");
      return await EmbeddedStorage.open(join(options.dataDir, "store"), history);
    }
    case "etcd": {
      const { EtcdStorage } = await import("./etcd/etcd-storage.ts");
      return await EtcdStorage.open({
        endpoints: options.etcdEndpoints ?? ["http://127.0.0.1:2379"],
        prefix: options.etcdPrefix ?? "/registry/",
      });
    }
  }
}
