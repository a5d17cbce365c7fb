/**
 * The built-in engine's view of a route table: per listener a host map and, per host, the routes
 * longest prefix first, each with its round-robin cursor (shared by both listeners). Built once
 * per table change, so a request does one map lookup and a few string compares. On the plain
 * listener a host served over HTTPS with `httpRedirect` answers every request with a redirect.
 */
import type { GatewayMetrics } from "../metrics/gateway-metrics.ts";
import type { RouteSeries } from "../metrics/route-series.ts";
import type { Backend, RouteTable } from "../routes/model.ts";
import { prefixMatches, stripPrefix } from "../routes/prefix.ts";

/** A route with its round-robin cursor. */
export interface LiveRoute {
  prefix: string;
  backends: Backend[];
  unavailable: string | undefined;
  next: number;
  /** `namespace/name` of the record serving it (the access log's `route`). */
  record: string;
  /** Its request metrics, when counted. */
  series: RouteSeries | undefined;
}

/** One host on one listener. */
export interface LiveHost {
  /** Longest prefix first. */
  routes: LiveRoute[];
  /** `https://host[:port]` when plain HTTP requests are redirected there. */
  redirect: string | undefined;
  /** Metrics of the host's requests no route took, when counted. */
  series: RouteSeries | undefined;
}

/** Host → its routes. */
export type Lookup = Map<string, LiveHost>;

/** The lookups of both listeners. */
export interface Lookups {
  plain: Lookup;
  /** Only the hosts that have a certificate. */
  secure: Lookup;
}

/** Result of routing one request. */
export type Routing =
  | { type: "no-host" }
  | { type: "no-path"; host: LiveHost }
  | { type: "unavailable"; reason: string; at: LiveRoute }
  /** RFC 9110 §15.4.9: 308 keeps the method and body, unlike 301. */
  | { type: "redirect"; location: string; host: LiveHost }
  /** `backends` is rotated for round-robin: try them in this order. */
  | { type: "route"; path: string; backends: Backend[]; at: LiveRoute };

/**
 * Builds the lookups for a table; `httpsPort` is the port redirects name (none when 443, the
 * https default, RFC 9110 §4.2.2), undefined when there is no TLS listener. With `metrics` (which
 * has adopted `table`) each host and route carries its series.
 */
export function compileLookups(table: RouteTable, httpsPort?: number, metrics?: GatewayMetrics): Lookups {
  const plain: Lookup = new Map();
  const secure: Lookup = new Map();
  const port = httpsPort === 443 ? "" : `:${httpsPort}`;
  for (const h of table.hosts) {
    const routes = h.routes.map((r) => ({
      prefix: r.prefix,
      backends: r.backends,
      unavailable: r.unavailable,
      next: 0,
      record: r.record,
      series: metrics?.series(h.host, r.prefix),
    }));
    const tls = httpsPort !== undefined ? h.tls : undefined;
    const series = metrics?.series(h.host, "");
    plain.set(h.host, { routes, redirect: tls?.redirect ? `https://${h.host}${port}` : undefined, series });
    if (tls) secure.set(h.host, { routes, redirect: undefined, series });
  }
  return { plain, secure };
}

/**
 * Routes a request to host `name` (as `routingName` gives it) and `url` (origin-form, query
 * included). `advance` false leaves the round-robin cursor where it is (`kdns explain route`).
 */
export function route(lookup: Lookup, name: string, url: string, advance = true): Routing {
  const host = lookup.get(name);
  if (!host) return { type: "no-host" };
  if (host.redirect !== undefined) return { type: "redirect", location: host.redirect + url, host };
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  for (const r of host.routes) {
    if (!prefixMatches(r.prefix, path)) continue;
    if (r.backends.length === 0) return { type: "unavailable", reason: r.unavailable ?? "none", at: r };
    const start = r.next % r.backends.length;
    if (advance) r.next = (start + 1) % r.backends.length;
    const order = start === 0 ? r.backends : [...r.backends.slice(start), ...r.backends.slice(0, start)];
    const rest = stripPrefix(r.prefix, path) + (q < 0 ? "" : url.slice(q));
    return { type: "route", path: rest, backends: order, at: r };
  }
  return { type: "no-path", host };
}
