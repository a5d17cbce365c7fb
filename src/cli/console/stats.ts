/**
 * The console overview's live figures, read from the process's metrics registry once a second
 * while someone watches: rates from the difference of two samples, p99 from the difference of
 * histogram buckets (linear within a bucket, as PromQL's histogram_quantile), so the page shows
 * what a Prometheus dashboard on the same families would.
 */
import type { Registry } from "prom-client";

/** One family's samples as prom-client's JSON gives them. */
interface Family {
  name: string;
  values: { metricName?: string; labels: Record<string, string | number>; value: number }[];
}

/** Counters summed by one label, and histogram buckets summed by `le`. */
export interface Sample {
  at: number;
  /** `family` or `family{label=value}` → value. */
  counters: Map<string, number>;
  /** histogram family → le → cumulative count. */
  buckets: Map<string, Map<number, number>>;
  informers: { component: string; resource: string; synced: boolean }[];
}

/** What the overview shows for one second. */
export interface OverviewStats {
  at: number;
  dns: { qps: number; rcodes: Record<string, number>; cacheHitRatio: number | null; p99ms: number | null };
  gateway: { rps: number; statuses: Record<string, number>; p99ms: number | null } | null;
  api: { rps: number; p99ms: number | null };
  informers: Sample["informers"];
}

/** Counter families read, each with the label it is split by (none: only the total). */
const COUNTERS: [family: string, by?: string | undefined, skip?: [string, string]][] = [
  ["coredns_dns_responses_total", "rcode"],
  ["coredns_cache_hits_total"],
  ["coredns_cache_misses_total"],
  ["nginx_ingress_controller_requests", "status"],
  ["apiserver_request_total", undefined, ["verb", "WATCH"]],
];
const HISTOGRAMS: [family: string, skip?: [string, string]][] = [
  ["coredns_dns_request_duration_seconds"],
  ["nginx_ingress_controller_request_duration_seconds"],
  ["apiserver_request_duration_seconds", ["verb", "WATCH"]],
];

/** Reads one sample from the families `registry` holds. */
export function sampleOf(families: Family[], at: number): Sample {
  const byName = new Map(families.map((f) => [f.name, f]));
  const counters = new Map<string, number>();
  for (const [family, by, skip] of COUNTERS) {
    const f = byName.get(family);
    if (!f) continue;
    let total = 0;
    for (const v of f.values) {
      if (skip && v.labels[skip[0]] === skip[1]) continue;
      total += v.value;
      if (by !== undefined) {
        const key = `${family}{${by}=${v.labels[by]}}`;
        counters.set(key, (counters.get(key) ?? 0) + v.value);
      }
    }
    counters.set(family, total);
  }
  const buckets = new Map<string, Map<number, number>>();
  for (const [family, skip] of HISTOGRAMS) {
    const f = byName.get(family);
    if (!f) continue;
    const les = new Map<number, number>();
    for (const v of f.values) {
      if (v.metricName !== `${family}_bucket` || (skip && v.labels[skip[0]] === skip[1])) continue;
      const le = v.labels["le"] === "+Inf" ? Number.POSITIVE_INFINITY : Number(v.labels["le"]);
      les.set(le, (les.get(le) ?? 0) + v.value);
    }
    buckets.set(family, les);
  }
  const informers = (byName.get("kdns_informer_synced")?.values ?? []).map((v) => ({
    component: String(v.labels["component"] ?? ""),
    resource: String(v.labels["resource"] ?? ""),
    synced: v.value === 1,
  }));
  return { at, counters, buckets, informers };
}

/** The q-quantile of the observations between two cumulative bucket sets, in ms; null without any. */
export function quantileMs(
  q: number,
  before: Map<number, number> | undefined,
  after: Map<number, number> | undefined,
): number | null {
  if (!after) return null;
  const les = [...after.keys()].sort((a, b) => a - b);
  const counts = les.map((le) => (after.get(le) ?? 0) - (before?.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < les.length; i++) {
    if (counts[i]! < rank) continue;
    const upper = les[i]!;
    const lower = i === 0 ? 0 : les[i - 1]!;
    if (!Number.isFinite(upper)) return lower * 1000;
    const below = i === 0 ? 0 : counts[i - 1]!;
    const inBucket = counts[i]! - below;
    const at = inBucket > 0 ? (rank - below) / inBucket : 1;
    return (lower + (upper - lower) * at) * 1000;
  }
  return null;
}

/** The overview's figures between two samples. */
export function overviewBetween(before: Sample, after: Sample): OverviewStats {
  const seconds = Math.max((after.at - before.at) / 1000, 0.001);
  const rate = (key: string): number =>
    Math.max(0, ((after.counters.get(key) ?? 0) - (before.counters.get(key) ?? 0)) / seconds);
  const split = (family: string, label: string): Record<string, number> => {
    const out: Record<string, number> = {};
    const prefix = `${family}{${label}=`;
    for (const key of after.counters.keys()) if (key.startsWith(prefix)) out[key.slice(prefix.length, -1)] = rate(key);
    return out;
  };
  const hits = rate("coredns_cache_hits_total");
  const misses = rate("coredns_cache_misses_total");
  const p99 = (family: string) => quantileMs(0.99, before.buckets.get(family), after.buckets.get(family));
  const hasGateway = after.counters.has("nginx_ingress_controller_requests");
  return {
    at: after.at,
    dns: {
      qps: rate("coredns_dns_responses_total"),
      rcodes: split("coredns_dns_responses_total", "rcode"),
      cacheHitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
      p99ms: p99("coredns_dns_request_duration_seconds"),
    },
    gateway: hasGateway
      ? {
          rps: rate("nginx_ingress_controller_requests"),
          statuses: split("nginx_ingress_controller_requests", "status"),
          p99ms: p99("nginx_ingress_controller_request_duration_seconds"),
        }
      : null,
    api: { rps: rate("apiserver_request_total"), p99ms: p99("apiserver_request_duration_seconds") },
    informers: after.informers,
  };
}

/** Seconds of figures a new watcher gets at once, so its charts start full. */
const HISTORY = 60;

/** Calls each watcher with the overview every second while there are watchers. */
export class StatsTicker {
  readonly #registry: Registry;
  #history: OverviewStats[] = [];
  readonly #watchers = new Set<(stats: OverviewStats) => void>();
  #timer: NodeJS.Timeout | undefined;
  #last: Sample | undefined;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** Adds a watcher until the returned function is called. */
  watch(watcher: (stats: OverviewStats) => void): () => void {
    this.#watchers.add(watcher);
    for (const stats of this.#history) watcher(stats);
    if (!this.#timer) {
      void this.#tick();
      this.#timer = setInterval(() => void this.#tick(), 1000).unref();
    }
    return () => {
      this.#watchers.delete(watcher);
      if (this.#watchers.size > 0) return;
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#last = undefined;
      this.#history = [];
    };
  }

  async #tick(): Promise<void> {
    const sample = sampleOf((await this.#registry.getMetricsAsJSON()) as Family[], Date.now());
    const before = this.#last;
    this.#last = sample;
    if (!before) return;
    const stats = overviewBetween(before, sample);
    this.#history.push(stats);
    if (this.#history.length > HISTORY) this.#history.shift();
    for (const w of this.#watchers) w(stats);
  }
}
