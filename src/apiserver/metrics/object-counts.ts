/**
 * How many objects of each resource are stored, counted every interval as kube-apiserver does
 * (`--etcd-count-metric-poll-period`, one minute): `apiserver_resource_objects{group,resource}`
 * and the older `apiserver_storage_objects{resource}` (`services`, `endpointslices.discovery.k8s.io`),
 * -1 when the count failed. Counting pages through the keys, so it costs a list per resource.
 */
import { Gauge, type Registry } from "prom-client";
import { RESOURCES } from "../../api/resources.ts";
import { logger } from "../../machinery/log.ts";
import type { Storage } from "../../storage/storage.ts";
import { collectionPrefix } from "../keys.ts";

const log = logger("apiserver");

/** Keys per list page while counting. */
const PAGE = 1000;

/** Running counts. */
export interface ObjectCounts {
  /** Counts every resource now (what the timer runs; joins a count under way). */
  refresh(): Promise<void>;
  /** Ends the timer and waits for a count under way. */
  stop(): Promise<void>;
}

/** A store that may know its counts without listing (the watch cache: undefined when it cannot say). */
export type CountingStorage = Storage & { count?(prefix: string): number | undefined };

async function countKeys(storage: CountingStorage, prefix: string): Promise<number> {
  // Paging 100,000 keys at a fixed revision while writes go on costs storage a rewind per page.
  const known = storage.count?.(prefix);
  if (known !== undefined) return known;
  let count = 0;
  let startAfter: string | undefined;
  let revision: number | undefined;
  for (;;) {
    const page = await storage.list(prefix, {
      limit: PAGE,
      ...(startAfter !== undefined ? { startAfter } : {}),
      ...(revision !== undefined ? { revision } : {}),
    });
    count += page.items.length;
    revision = page.revision;
    if (!page.more) return count;
    startAfter = page.items.at(-1)?.key;
  }
}

/** Registers the two gauges in `registry` and counts every `intervalMs` (first count at once). */
export function startObjectCounts(storage: CountingStorage, registry: Registry, intervalMs: number): ObjectCounts {
  const current = new Gauge({
    name: "apiserver_resource_objects",
    help: "Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
    labelNames: ["group", "resource"],
    registers: [registry],
  });
  const older = new Gauge({
    name: "apiserver_storage_objects",
    help: "[DEPRECATED, consider using apiserver_resource_objects instead] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
    labelNames: ["resource"],
    registers: [registry],
  });
  let running: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    running ??= (async () => {
      for (const info of RESOURCES) {
        let count: number;
        try {
          count = await countKeys(storage, collectionPrefix(info));
        } catch (err) {
          log.warn({ err: String(err), resource: info.resource }, "counting stored objects failed");
          count = -1;
        }
        current.set({ group: info.group, resource: info.resource }, count);
        older.set({ resource: info.group === "" ? info.resource : `${info.resource}.${info.group}` }, count);
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  void refresh();
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return {
    refresh,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
