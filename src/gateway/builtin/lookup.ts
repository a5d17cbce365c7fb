/**
 * The built-in engine's view of a route table: per listener a host map and, per host, the routes
 * in precedence order, each with its match compiled, its weighted pick and its groups'
 * round-robin cursors (shared by both listeners). Built once per table change, so a request does
 * one map lookup (then wildcard suffixes, then `*`) and a few string compares. On the plain
 * listener a host served over HTTPS with `redirect` answers every request with a redirect.
 */
import type { GatewayMetrics } from "../metrics/gateway-metrics.ts";
import type { RouteSeries } from "../metrics/route-series.ts";
import type {
  Backend,
  HeaderEdits,
  HostRoutes,
  PathModifier,
  Route,
  RouteFilter,
  RouteTable,
} from "../routes/model.ts";
import { prefixMatches } from "../routes/prefix.ts";
import { modifyPath } from "../routes/rewrite.ts";
import { WeightedPick } from "./weighted-pick.ts";

/** A backend group with its round-robin cursor. */
interface LiveGroup {
  backends: Backend[];
  unavailable: string | undefined;
  /** The reference cannot be used: the requests picked for it get 500. */
  invalid: string | undefined;
  next: number;
}

/** A route compiled for matching. */
export interface LiveRoute {
  route: Route;
  groups: LiveGroup[];
  pick: WeightedPick;
  /** Why the route cannot serve at all (bad filter values that slipped past validation), else undefined. */
  broken: string | undefined;
  /** Set when every group with weight lacks backends and none is invalid: the first one's reason (a 503). */
  unavailable: string | undefined;
  /** `namespace/name` of the route's owner (the access log's `route`). */
  record: string;
  /** Its request metrics, when counted. */
  series: RouteSeries | undefined;
}

/** One host on one listener. */
export interface LiveHost {
  routes: LiveRoute[];
  /** `https://host[:port]` when plain HTTP requests are redirected there. */
  redirect: string | undefined;
  /** Metrics of the host's requests no route took, when counted. */
  series: RouteSeries | undefined;
}

/** Host → its routes; wildcard hosts are keyed `*.suffix`, the catch-all `*`. */
export type Lookup = Map<string, LiveHost>;

/** The lookups of both listeners. */
export interface Lookups {
  plain: Lookup;
  /** Only the hosts that have a certificate. */
  secure: Lookup;
}

/** What a request brings to routing besides its host. */
export interface RequestView {
  /** Origin-form target, query included. */
  url: string;
  method: string;
  /** A request header's value (lower-case name); repeated fields joined with `, `. */
  header(name: string): string | undefined;
  /** The port of the listener the request came in on (Gateway API: a redirect keeps it). */
  port: number | undefined;
  scheme: "http" | "https";
  /** The routing name (lower case, no port). */
  name: string;
}

/** Result of routing one request. */
export type Routing =
  | { type: "no-host" }
  | { type: "no-path"; host: LiveHost }
  | { type: "unavailable"; reason: string; at: LiveRoute }
  /** A redirect: the TLS one is 308 (RFC 9110 §15.4.9: method and body kept), a RequestRedirect its own code. */
  | { type: "redirect"; location: string; status?: number; host: LiveHost }
  /** The route cannot serve (Gateway API: 500 for a rule without usable backends). */
  | { type: "error"; reason: string; at: LiveRoute }
  /** `backends` is rotated for round-robin: try them in this order. */
  | {
      type: "route";
      path: string;
      backends: Backend[];
      at: LiveRoute;
      /** Host to send instead of the client's, from URLRewrite. */
      host?: string;
      request?: HeaderEdits[];
      response?: HeaderEdits[];
    };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Why a filter's values cannot be written into a request head, or undefined. */
function badFilter(f: RouteFilter): string | undefined {
  if (f.type === "RequestHeaderModifier" || f.type === "ResponseHeaderModifier") {
    for (const h of [...f.set, ...f.add])
      if (!TOKEN.test(h.name) || !FIELD_VALUE.test(h.value)) return `invalid header ${JSON.stringify(h.name)}`;
    for (const n of f.remove) if (!TOKEN.test(n)) return `invalid header name ${JSON.stringify(n)}`;
  }
  if ((f.type === "URLRewrite" || f.type === "RequestRedirect") && f.hostname !== undefined)
    if (!/^[a-z0-9.-]+$/i.test(f.hostname)) return `invalid hostname ${JSON.stringify(f.hostname)}`;
  if ((f.type === "URLRewrite" || f.type === "RequestRedirect") && f.path !== undefined)
    if (!/^\/[\x21-\x7e]*$/.test(f.path.value)) return `invalid path ${JSON.stringify(f.path.value)}`;
  return undefined;
}

/**
 * A route compiled: groups without ready backends take no share while another usable group has
 * some (as nginx's upstream lists only ready servers); when none has, the route is unavailable,
 * unless invalid groups take a share: those keep their weight whatever the others' state, and
 * the requests picked for them get 500 (Gateway API).
 */
function compileRoute(route: Route, series: RouteSeries | undefined): LiveRoute {
  const groups = route.groups.map((g) => ({
    backends: g.backends,
    unavailable: g.unavailable,
    invalid: g.invalid,
    next: 0,
  }));
  let broken: string | undefined;
  for (const f of route.filters) broken ??= badFilter(f);
  const weighted = route.groups.filter((g) => g.weight > 0);
  const usable = weighted.filter((g) => g.invalid === undefined);
  const ready = usable.some((g) => g.backends.length > 0);
  const weights = route.groups.map((g) => (ready && g.invalid === undefined && g.backends.length === 0 ? 0 : g.weight));
  const unavailable =
    !ready && usable.length === weighted.length && usable.length > 0 ? (usable[0]?.unavailable ?? "none") : undefined;
  const record = `${route.owner.namespace}/${route.owner.name}`;
  return { route, groups, pick: new WeightedPick(weights), broken, unavailable, record, series };
}

/** One host compiled for both listeners (`secure` only when it is served over HTTPS). */
export interface CompiledHost {
  plain: LiveHost;
  secure: LiveHost | undefined;
}

/**
 * Compiles one host of a table; `httpsPort` is the port redirects name (none when 443, the https
 * default, RFC 9110 §4.2.2), undefined when there is no TLS listener. With `metrics` (which has
 * adopted the table) the host and each route carry their series (a route's by its path).
 */
export function compileHost(h: HostRoutes, httpsPort?: number, metrics?: GatewayMetrics): CompiledHost {
  const port = httpsPort === 443 ? "" : `:${httpsPort}`;
  const routes = h.routes.map((r) => compileRoute(r, metrics?.series(h.host, r.match.path.value)));
  const tls = httpsPort !== undefined ? h.tls : undefined;
  const wild = h.host.startsWith("*");
  const series = metrics?.series(h.host, "");
  return {
    plain: { routes, redirect: tls?.redirect && !wild ? `https://${h.host}${port}` : undefined, series },
    secure: tls ? { routes, redirect: undefined, series } : undefined,
  };
}

/** Builds the lookups for a table (see {@link compileHost}). */
export function compileLookups(table: RouteTable, httpsPort?: number, metrics?: GatewayMetrics): Lookups {
  const plain: Lookup = new Map();
  const secure: Lookup = new Map();
  for (const h of table.hosts) {
    const compiled = compileHost(h, httpsPort, metrics);
    plain.set(h.host, compiled.plain);
    if (compiled.secure) secure.set(h.host, compiled.secure);
  }
  return { plain, secure };
}

/** The host entry for `name`: exact, then the longest wildcard suffix, then `*`. */
function findHost(lookup: Lookup, name: string): LiveHost | undefined {
  const exact = lookup.get(name);
  if (exact) return exact;
  for (let i = name.indexOf("."); i >= 0; i = name.indexOf(".", i + 1)) {
    const wild = lookup.get(`*${name.slice(i)}`);
    if (wild) return wild;
  }
  return lookup.get("*");
}

/** The first value of query parameter `name` in `query` (no `?`), decoded; undefined when absent. */
function queryParam(query: string, name: string): string | undefined {
  for (const part of query.split("&")) {
    const eq = part.indexOf("=");
    const raw = eq < 0 ? part : part.slice(0, eq);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(raw.replace(/\+/g, " "));
      value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "));
    } catch {
      continue;
    }
    if (key === name) return value;
  }
  return undefined;
}

function matches(r: Route, path: string, query: string, req: RequestView): boolean {
  const m = r.match;
  if (m.path.type === "Exact" ? path !== m.path.value : !prefixMatches(m.path.value, path)) return false;
  if (m.method !== undefined && m.method !== req.method) return false;
  if (m.headers) for (const h of m.headers) if (req.header(h.name) !== h.value) return false;
  if (m.queryParams) for (const q of m.queryParams) if (queryParam(query, q.name) !== q.value) return false;
  return true;
}

function rewritten(modifier: PathModifier | undefined, r: Route, path: string): string {
  return modifier === undefined ? path : modifyPath(modifier, r.match.path.value, path);
}

/** The Location of a RequestRedirect (Gateway API HTTPRequestRedirectFilter). */
function redirectLocation(
  f: Extract<RouteFilter, { type: "RequestRedirect" }>,
  r: Route,
  path: string,
  query: string,
  req: RequestView,
): string {
  const scheme = f.scheme ?? req.scheme;
  const host = f.hostname ?? req.name;
  const port = f.port ?? (f.scheme !== undefined ? undefined : req.port);
  const wellKnown = port === undefined || (scheme === "http" && port === 80) || (scheme === "https" && port === 443);
  const authority = wellKnown ? host : `${host}:${port}`;
  return `${scheme}://${authority}${rewritten(f.path, r, path)}${query === "" ? "" : `?${query}`}`;
}

/**
 * Routes a request by its host, path, method, headers and query. `advance` false leaves the
 * weighted pick and round-robin cursors where they are (`kdns explain route`).
 */
export function route(lookup: Lookup, req: RequestView, advance = true): Routing {
  const host = findHost(lookup, req.name);
  if (!host) return { type: "no-host" };
  if (host.redirect !== undefined) return { type: "redirect", location: host.redirect + req.url, host };
  const q = req.url.indexOf("?");
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? "" : req.url.slice(q + 1);
  for (const live of host.routes) {
    const r = live.route;
    if (!matches(r, path, query, req)) continue;
    if (live.broken !== undefined) return { type: "error", reason: live.broken, at: live };
    let target = path;
    let rewriteHost: string | undefined;
    let request: HeaderEdits[] | undefined;
    let response: HeaderEdits[] | undefined;
    for (const f of r.filters) {
      if (f.type === "RequestRedirect")
        return { type: "redirect", location: redirectLocation(f, r, path, query, req), status: f.statusCode, host };
      if (f.type === "URLRewrite") {
        target = rewritten(f.path, r, path);
        rewriteHost = f.hostname;
      } else if (f.type === "RequestHeaderModifier") (request ??= []).push(f);
      else (response ??= []).push(f);
    }
    if (live.unavailable !== undefined) return { type: "unavailable", reason: live.unavailable, at: live };
    const g = live.groups[advance ? live.pick.next() : live.pick.peek()];
    if (g?.invalid !== undefined) return { type: "error", reason: g.invalid, at: live };
    if (g && g.backends.length === 0 && g.unavailable !== undefined)
      return { type: "unavailable", reason: g.unavailable, at: live };
    if (!g || g.backends.length === 0)
      return { type: "error", reason: "no backend takes traffic on this route", at: live };
    const start = g.next % g.backends.length;
    if (advance) g.next = (start + 1) % g.backends.length;
    const order = start === 0 ? g.backends : [...g.backends.slice(start), ...g.backends.slice(0, start)];
    const out: Routing = { type: "route", path: target + (q < 0 ? "" : req.url.slice(q)), backends: order, at: live };
    if (rewriteHost !== undefined) out.host = rewriteHost;
    if (request) out.request = request;
    if (response) out.response = response;
    return out;
  }
  return { type: "no-path", host };
}
