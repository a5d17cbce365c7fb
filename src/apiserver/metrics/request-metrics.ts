/**
 * kube-apiserver's request families, with its names, labels, label values and buckets
 * (k8s.io/apiserver endpoints/metrics), so apiserver dashboards and alerts read kdns unchanged:
 * `apiserver_request_total`, `apiserver_request_duration_seconds`,
 * `apiserver_current_inflight_requests`, `apiserver_longrunning_requests` and
 * `apiserver_terminated_watchers_total`. Only requests to
 * resources are counted, as kube-apiserver counts them (discovery, OpenAPI and health are not).
 * Counting one is a few typed-array adds: the label values are indexes worked out from the route.
 */
import { STATUS_CODES } from "node:http";
import { Counter, Gauge, type Registry } from "prom-client";
import { type ResourceInfo, SERVED_RESOURCES } from "../../api/resources.ts";
import { IndexedCounter, IndexedHistogram } from "../../machinery/fast-metrics.ts";
import { boolParam } from "../query-params.ts";

/** The verbs kube-apiserver reports (its CanonicalVerb and CleanVerb), and `other` for the rest. */
export const VERBS = ["GET", "LIST", "WATCH", "POST", "PUT", "PATCH", "APPLY", "DELETE", "other"] as const;
const V = Object.fromEntries(VERBS.map((v, i) => [v, i])) as Record<(typeof VERBS)[number], number>;

/** `dry_run`: empty, the one valid value, or `invalid` (kube-apiserver's cleanDryRun). */
const DRY_RUN = ["", "All", "invalid"];

/** `scope` as kube-apiserver's installer sets it per route. */
export const SCOPES = ["resource", "namespace", "cluster"] as const;

/** Every code Node can name, then `other` (kdns sends none outside these). */
const CODES = [...Object.keys(STATUS_CODES), "other"];
const CODE_INDEX = new Int16Array(1000).fill(CODES.length - 1);
for (const [i, code] of CODES.entries()) if (code !== "other") CODE_INDEX[Number(code)] = i;

/** kube-apiserver's request duration buckets (seconds). */
export const REQUEST_DURATION_BUCKETS = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
];

/** `group`, `version`, `resource`, `subresource` of every route: each resource at each version, then its `/status`. */
const TARGETS: string[][] = [];
const TARGET_INDEX = new Map<ResourceInfo, number>();
for (const info of SERVED_RESOURCES) {
  TARGET_INDEX.set(info, TARGETS.length);
  TARGETS.push([info.group, info.version, info.resource, ""]);
  if (info.statusSubresource) TARGETS.push([info.group, info.version, info.resource, "status"]);
}

/** The parts of a resource route the labels are read from. */
export interface RouteShape {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/**
 * The reported verb's index in {@link VERBS}: GET on a collection is LIST (WATCH with `watch`
 * true), PATCH with an apply body is APPLY, other methods are themselves.
 */
export function verbOf(method: string, name: string | undefined, query: URLSearchParams, contentType?: string): number {
  switch (method) {
    case "GET":
    case "HEAD":
      if (name !== undefined) return V.GET;
      return boolParam(query, "watch") === true ? V.WATCH : V.LIST;
    case "POST":
      return V.POST;
    case "PUT":
      return V.PUT;
    case "PATCH":
      return contentType?.toLowerCase().startsWith("application/apply-patch+yaml") ? V.APPLY : V.PATCH;
    case "DELETE":
      return V.DELETE;
    default:
      return V.other;
  }
}

/** The scope's index in {@link SCOPES}: a named object or a create is `resource`. */
export function scopeOf(method: string, route: RouteShape): number {
  if (route.name !== undefined || method === "POST") return 0;
  return route.namespace !== undefined ? 1 : 2;
}

function dryRunOf(query: URLSearchParams): number {
  if (!query.has("dryRun")) return 0;
  return query.getAll("dryRun").every((v) => v === "All") ? 1 : 2;
}

/** The API server's request families, registered in one registry. */
export class RequestMetrics {
  readonly #total: IndexedCounter;
  readonly #duration: IndexedHistogram;
  readonly #inflight: IndexedCounter;
  readonly #longRunning: Gauge;
  readonly #terminatedWatchers: Counter;

  constructor(registry: Registry) {
    const fixed = { component: "apiserver" };
    const dims = [
      ["verb", VERBS],
      ["dry_run", DRY_RUN],
      [["group", "version", "resource", "subresource"], TARGETS],
      ["scope", SCOPES],
    ] as const;
    this.#total = new IndexedCounter(
      "apiserver_request_total",
      "Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
      { fixed, dims: [...dims, ["code", CODES]] },
    ).registerIn(registry);
    this.#duration = new IndexedHistogram(
      "apiserver_request_duration_seconds",
      "Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
      REQUEST_DURATION_BUCKETS,
      { fixed, dims },
    ).registerIn(registry);
    this.#inflight = new IndexedCounter(
      "apiserver_current_inflight_requests",
      "Number of requests in flight in this apiserver per request kind (watches are not counted).",
      { dims: [["request_kind", ["readOnly", "mutating"]]] },
      "gauge",
    ).registerIn(registry);
    this.#longRunning = new Gauge({
      name: "apiserver_longrunning_requests",
      help: "Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.",
      labelNames: ["verb", "group", "version", "resource", "subresource", "scope", "component"],
      registers: [registry],
    });
    this.#terminatedWatchers = new Counter({
      name: "apiserver_terminated_watchers_total",
      help: "Counter of watchers closed due to unresponsiveness broken by resource type.",
      labelNames: ["group", "resource"],
      registers: [registry],
    });
  }

  /** Counts a watcher closed because it fell behind (it did not read its events). */
  watcherTerminated(info: ResourceInfo): void {
    this.#terminatedWatchers.inc({ group: info.group, resource: info.resource });
  }

  /** The label set of a request, as one number (see {@link begin} and {@link end}). */
  rowOf(method: string, route: RouteShape, query: URLSearchParams, contentType: string | undefined): number {
    const target = (TARGET_INDEX.get(route.info) ?? 0) + (route.subresource === "status" ? 1 : 0);
    const verb = verbOf(method, route.name, query, contentType);
    return this.#duration.index(verb, dryRunOf(query), target, scopeOf(method, route));
  }

  /** Marks request `row` in flight (a watch as long-running); returns the start time for {@link end}. */
  begin(row: number): number {
    const verb = this.#verbIndex(row);
    if (verb === V.WATCH) this.#longRunning.inc(this.#longRunningLabels(row));
    else if (verb !== V.other) this.#inflight.inc(verb <= V.LIST ? 0 : 1);
    return performance.now();
  }

  /** Counts request `row`, answered with `code`, that began at `started`. */
  end(row: number, code: number, started: number): void {
    const verb = this.#verbIndex(row);
    if (verb === V.WATCH) this.#longRunning.dec(this.#longRunningLabels(row));
    else if (verb !== V.other) this.#inflight.inc(verb <= V.LIST ? 0 : 1, -1);
    this.#total.inc(row * CODES.length + (CODE_INDEX[code] ?? CODES.length - 1));
    this.#duration.observe(row, (performance.now() - started) / 1000);
  }

  /** Rows are row-major over verb, dry run, target, scope: the verb is the leading index. */
  #verbIndex(row: number): number {
    return Math.floor(row / (DRY_RUN.length * TARGETS.length * SCOPES.length));
  }

  #longRunningLabels(row: number): Record<string, string> {
    const rest = row % (DRY_RUN.length * TARGETS.length * SCOPES.length);
    const [group, version, resource, subresource] = TARGETS[Math.floor(rest / SCOPES.length) % TARGETS.length]!;
    return {
      verb: "WATCH",
      group: group!,
      version: version!,
      resource: resource!,
      subresource: subresource!,
      scope: SCOPES[rest % SCOPES.length]!,
      component: "apiserver",
    };
  }
}
