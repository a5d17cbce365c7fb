/**
 * kdns's own informer families, read from the informers at scrape time (nothing is counted per
 * event): `kdns_informer_synced{component,resource}` (1 once the first list is loaded) and
 * `kdns_informer_objects{component,resource}` (objects in the cache). All informers of one
 * registry share the families; an informer leaves them when it stops.
 */
import { Gauge, type Registry } from "prom-client";

/** What the gauges read from one informer. */
export interface InformerState {
  component: string;
  resource: string;
  synced(): boolean;
  size(): number;
}

const informers = new WeakMap<Registry, Set<InformerState>>();

/** Adds `state` to `registry`'s informer gauges (registering them first); returns how to leave. */
export function registerInformer(registry: Registry, state: InformerState): () => void {
  let set = informers.get(registry);
  if (!set) {
    const all = new Set<InformerState>();
    informers.set(registry, (set = all));
    const labelNames = ["component", "resource"];
    new Gauge({
      name: "kdns_informer_synced",
      help: "Whether the informer's first list has been loaded into its cache (1) or not yet (0).",
      labelNames,
      registers: [registry],
      // Over `kdns dns --workers`: synced only when every worker is; objects as one cache holds them.
      aggregator: "min",
      collect() {
        this.reset();
        for (const i of all) this.set({ component: i.component, resource: i.resource }, i.synced() ? 1 : 0);
      },
    });
    new Gauge({
      name: "kdns_informer_objects",
      help: "Objects in the informer's cache.",
      labelNames,
      registers: [registry],
      aggregator: "max",
      collect() {
        this.reset();
        for (const i of all) this.set({ component: i.component, resource: i.resource }, i.size());
      },
    });
  }
  set.add(state);
  const joined = set;
  return () => void joined.delete(state);
}

/**
 * What `component`'s informers in `registry` still wait for: each informer not yet synced, with
 * how many objects its first list has brought so far (`pods (34500 listed)`); empty once all are.
 */
export function informersWaiting(registry: Registry, component: string): string[] {
  const out: string[] = [];
  for (const i of informers.get(registry) ?? [])
    if (i.component === component && !i.synced()) out.push(`${i.resource} (${i.size()} listed)`);
  return out.sort();
}
