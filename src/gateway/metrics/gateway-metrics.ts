/**
 * The gateway's Prometheus families, named, labelled and bucketed as ingress-nginx's code has them
 * (internal/ingress/metric/collectors/socket.go and controller.go), so its dashboards and alerts
 * read either engine unchanged: per request `nginx_ingress_controller_requests` (a counter without
 * `_total`, as ingress-nginx has it), `…_request_duration_seconds` and `…_response_size`; per
 * configuration `…_config_last_reload_successful` and its timestamp; and kdns's own
 * `kdns_gateway_route_change_seconds`.
 *
 * Request series are per route (the route's prefix is the `path` label, never the request's URI,
 * so the number of series is bounded by the table), made when a table is applied; requests for a
 * host the table does not serve are not counted, as ingress-nginx counts no host it does not
 * serve (`--metrics-per-host`, its default).
 */
import { hostname } from "node:os";
import type { Registry } from "prom-client";
import { exponentialBuckets, IndexedCounter, IndexedHistogram } from "../../machinery/fast-metrics.ts";
import { LabelSlots, LearnedCounter, LearnedHistogram } from "../../machinery/learned-metrics.ts";
import type { HostRoutes, RouteTable } from "../routes/model.ts";
import { type RouteLabels, RouteSeries } from "./route-series.ts";

/** ingress-nginx's default `--time-buckets`. */
export const TIME_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** ingress-nginx's default `--length-buckets`, which its code gives `response_size` (socket.go). */
export const LENGTH_BUCKETS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
/** `kdns_gateway_route_change_seconds`: 1 ms doubling, as CoreDNS's DNS programming duration. */
const CHANGE_BUCKETS = exponentialBuckets(0.001, 2, 20);

/** ingress-nginx's constant labels, with kdns's values. */
export interface ControllerIdentity {
  controller_namespace: string;
  controller_class: string;
  controller_pod: string;
}

/** The identity kdns reports: its own class, the machine's host name as the pod. */
export function kdnsIdentity(): ControllerIdentity {
  return { controller_namespace: "kdns", controller_class: "kdns.dev/gateway", controller_pod: hostname() };
}

/** A host's series: its own (requests no route took) and its routes' by prefix. */
interface HostSeries {
  /** The table entry the series were made for: the same entry next time keeps them without a look. */
  entry: HostRoutes;
  own: RouteSeries;
  routes: Map<string, RouteSeries>;
}

const splitKey = (key: string): [string, string] => {
  const slash = key.indexOf("/");
  return slash < 0 ? ["", key] : [key.slice(0, slash), key.slice(slash + 1)];
};

/** Every gateway family, in one registry. */
export class GatewayMetrics {
  readonly #identity: ControllerIdentity;
  readonly #slots = new LabelSlots();
  readonly #requests: LearnedCounter;
  readonly #duration: LearnedHistogram;
  readonly #responseSize: LearnedHistogram;
  readonly #reloadOk: IndexedCounter;
  readonly #reloadTime: IndexedCounter;
  readonly #routeChange: IndexedHistogram;
  #hosts = new Map<string, HostSeries>();
  #tables = 0;

  constructor(registry: Registry, identity: ControllerIdentity = kdnsIdentity()) {
    this.#identity = identity;
    const n = "nginx_ingress_controller_";
    this.#requests = new LearnedCounter(`${n}requests`, "The total number of client requests", this.#slots);
    this.#duration = new LearnedHistogram(
      `${n}request_duration_seconds`,
      "The request processing time in milliseconds",
      TIME_BUCKETS,
      this.#slots,
    );
    this.#responseSize = new LearnedHistogram(
      `${n}response_size`,
      "The response length (including request line, header, and request body)",
      LENGTH_BUCKETS,
      this.#slots,
    );
    for (const f of [this.#requests, this.#duration, this.#responseSize]) f.registerIn(registry);
    const fixed = { ...identity };
    this.#reloadOk = new IndexedCounter(
      `${n}config_last_reload_successful`,
      "Whether the last configuration reload attempt was successful",
      { fixed },
      "gauge",
    ).registerIn(registry);
    this.#reloadTime = new IndexedCounter(
      `${n}config_last_reload_successful_timestamp_seconds`,
      "Timestamp of the last successful configuration reload.",
      { fixed },
      "gauge",
    ).registerIn(registry);
    this.#routeChange = new IndexedHistogram(
      "kdns_gateway_route_change_seconds",
      "Time from the API change a configuration answers to that configuration serving requests.",
      CHANGE_BUCKETS,
    ).registerIn(registry);
  }

  /**
   * Makes the series of `table`'s hosts and routes; series of routes no longer served leave the
   * scrape. A host whose entry is the one adopted before keeps its series without a look.
   */
  adopt(table: RouteTable): void {
    const next = new Map<string, HostSeries>();
    const keep = new Set<RouteSeries>();
    const reuse = (labels: RouteLabels, record: string | undefined): RouteSeries => {
      const old = this.#hosts.get(labels.host);
      const prev = labels.path === "" ? old?.own : old?.routes.get(labels.path);
      const same =
        prev !== undefined &&
        prev.record === record &&
        prev.labels.namespace === labels.namespace &&
        prev.labels.ingress === labels.ingress &&
        prev.labels.service === labels.service;
      const series = same ? prev : new RouteSeries(labels, record, { ...this.#identity }, this.#slots);
      keep.add(series);
      return series;
    };
    for (const h of table.hosts) {
      const before = this.#hosts.get(h.host);
      if (before?.entry === h) {
        next.set(h.host, before);
        continue;
      }
      const own = reuse({ host: h.host, path: "", namespace: "", ingress: "", service: "" }, undefined);
      const routes = new Map<string, RouteSeries>();
      for (const r of h.routes) {
        // Routes sharing a path (different header, query or method matches) share its series:
        // the `path` label is the path, as ingress-nginx's is the location.
        const path = r.match.path.value;
        if (routes.has(path)) continue;
        const record = `${r.owner.namespace}/${r.owner.name}`;
        const svc = r.groups.find((g) => g.service !== undefined)?.service;
        const service = svc === undefined ? "" : splitKey(svc)[1];
        routes.set(
          path,
          reuse({ host: h.host, path, namespace: r.owner.namespace, ingress: r.owner.name, service }, record),
        );
      }
      next.set(h.host, { entry: h, own, routes });
    }
    for (const [host, h] of this.#hosts) {
      if (next.get(host) === h) continue;
      for (const s of [h.own, ...h.routes.values()]) if (!keep.has(s)) s.retire();
    }
    this.#hosts = next;
    this.#tables++;
  }

  /** How many tables were adopted: a cache of {@link series} answers holds while it stays the same. */
  get tables(): number {
    return this.#tables;
  }

  /** The series of route `path` of `host`, or of the host itself when `path` is empty; undefined when not served. */
  series(host: string, path: string): RouteSeries | undefined {
    const h = this.#hosts.get(host);
    return path === "" ? h?.own : h?.routes.get(path);
  }

  /** Counts one request: its `status`, its duration in seconds and the bytes sent to the client. */
  observe(series: RouteSeries, method: string, status: number, seconds: number, bytes: number): void {
    if (series.retired) return;
    const slot = series.slot(method, status);
    this.#requests.inc(slot);
    this.#duration.observe(slot, seconds);
    this.#responseSize.observe(slot, bytes);
  }

  /** A configuration was tried: `ok` when it serves now (ingress-nginx: the reload succeeded). */
  reloaded(ok: boolean, nowMs: number): void {
    this.#reloadOk.set(0, ok ? 1 : 0);
    if (ok) this.#reloadTime.set(0, Math.floor(nowMs / 1000));
  }

  /** A configuration answering a change made `seconds` ago serves now. */
  routeChanged(seconds: number): void {
    this.#routeChange.observe(0, Math.max(0, seconds));
  }
}
