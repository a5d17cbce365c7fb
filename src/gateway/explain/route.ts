/**
 * `kdns explain route URL`, the pure part: which host, route and backends of the served route
 * table a URL gets, decided by the built-in engine's own {@link route} (nginx serves the same
 * table with the same prefix rules, pinned by the shared engine conformance suite).
 */
import { type Lookup, type RequestView, route } from "../builtin/lookup.ts";
import type { Backend, HostRoutes, Route, RouteOwner, RouteTable } from "../routes/model.ts";
import { TEXT } from "../texts.ts";

/** What the gateway does with a URL, and why. */
export interface RouteExplanation {
  url: string;
  host: string;
  /** The request path, and the path the backend sees. */
  path: string;
  rewrittenPath?: string;
  /** `proxied`: sent to a backend, whose status the client gets; otherwise the gateway's own answer. */
  outcome: "proxied" | "no-host" | "no-path" | "unavailable" | "redirect" | "bad-gateway";
  /** The status the gateway answers itself (absent when proxied). */
  status?: number;
  reasons: string[];
  /** `Kind namespace/name` of the object owning the route. */
  object?: string;
  /** The matched path (prefix or exact) and what it routes to. */
  prefix?: string;
  target?: string;
  /** Ready backends, `ip:port`, and the one the next request takes. */
  backends?: string[];
  /** The route's not-ready backends, `ip:port`: known from the Endpoints, never routed to. */
  notReady?: string[];
  next?: string;
  /** Where the redirect goes. */
  location?: string;
  /** For https URLs: the certificate served. */
  certificate?: { secret: string; object: string; subject: string; names: string[]; notAfter: string };
  engine: "builtin" | "nginx";
}

/** The served host entry of `name`: exact, then the longest wildcard above it, then `*`. */
export function servedHost(table: RouteTable, name: string): HostRoutes | undefined {
  const byName = new Map(table.hosts.map((h) => [h.host, h]));
  const exact = byName.get(name);
  if (exact) return exact;
  for (let i = name.indexOf("."); i >= 0; i = name.indexOf(".", i + 1)) {
    const wild = byName.get(`*${name.slice(i)}`);
    if (wild) return wild;
  }
  return byName.get("*");
}

function ownerText(o: RouteOwner): string {
  return `${o.kind} ${o.namespace}/${o.name}`;
}

function matchText(r: Route): string {
  const m = r.match;
  const parts = [`${m.path.type === "Exact" ? "path" : "prefix"} ${m.path.value}`];
  if (m.method) parts.push(`method ${m.method}`);
  for (const h of m.headers ?? []) parts.push(`header ${h.name}: ${h.value}`);
  for (const q of m.queryParams ?? []) parts.push(`query ${q.name}=${q.value}`);
  return parts.join(", ");
}

function address(b: Backend): string {
  return `${b.ip.includes(":") ? `[${b.ip}]` : b.ip}:${b.port}`;
}

/** The certificate a host is served with. */
function certificateOf(host: HostRoutes): RouteExplanation["certificate"] {
  const tls = host.tls;
  if (!tls) return undefined;
  const leaf = tls.certificate.leaf;
  const names = (leaf.subjectAltName ?? "")
    .split(", ")
    .filter((n) => n.startsWith("DNS:"))
    .map((n) => n.slice(4));
  return {
    secret: tls.secret,
    object: ownerText(tls.owner),
    subject: leaf.subject,
    names,
    notAfter: leaf.validTo,
  };
}

/** Explains `url` against `table`; `lookup` is the engine's live lookup for the URL's scheme. */
export function explainRouteIn(
  table: RouteTable,
  lookup: Lookup,
  url: URL,
  engine: RouteExplanation["engine"],
): RouteExplanation {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const origin = `${url.pathname}${url.search}`;
  const base = { url: url.href, host, path: url.pathname, engine };
  const served = servedHost(table, host);
  const secure = url.protocol === "https:";
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
  const request: RequestView = {
    url: origin,
    method: "GET",
    header: (name) => (name === "host" ? url.host : undefined),
    port,
    scheme: secure ? "https" : "http",
    name: host,
  };
  const routing = route(lookup, request, false);
  const certificate = secure && served ? certificateOf(served) : undefined;
  const cert = certificate ? { certificate } : {};
  if (routing.type === "no-host") {
    const reasons =
      served && secure
        ? [`host ${host} has no certificate, so it is not served over HTTPS`]
        : [`no DNSRecord, Ingress or HTTPRoute serves host ${host}: ${TEXT.noHost}`];
    const known = table.hosts.map((h) => h.host);
    if (!served && known.length) reasons.push(`served hosts: ${known.slice(0, 10).join(", ")}`);
    return { ...base, outcome: "no-host", status: 404, reasons };
  }
  if (routing.type === "redirect") {
    const status = routing.status ?? 308;
    const why =
      routing.status === undefined
        ? `host ${host} is served over HTTPS with a redirect: plain HTTP gets 308 to ${routing.location}`
        : `a RequestRedirect filter answers ${status} to ${routing.location}`;
    return { ...base, outcome: "redirect", status, location: routing.location, reasons: [why] };
  }
  if (routing.type === "no-path") {
    const matches = served?.routes.map(matchText) ?? [];
    return {
      ...base,
      ...cert,
      outcome: "no-path",
      status: 404,
      reasons: [`host ${host} serves only ${matches.join("; ")}; none matches ${url.pathname}: ${TEXT.noPath}`],
    };
  }
  const matched = routing.at.route;
  const targets = matched.groups.map((g) =>
    matched.groups.length > 1 ? `${g.target} (weight ${g.weight})` : g.target,
  );
  const waiting = matched.groups.flatMap((g) => g.notReady?.map(address) ?? []);
  const notReady = waiting.length ? { notReady: waiting } : {};
  const waitingWhy = waiting.length
    ? [
        `${waiting.length} not-ready backend${waiting.length === 1 ? "" : "s"} (${waiting.join(", ")}): not routed to until ready`,
      ]
    : [];
  const where = {
    object: ownerText(matched.owner),
    prefix: matched.match.path.value,
    target: targets.join(", "),
    ...notReady,
  };
  if (routing.type === "unavailable")
    return {
      ...base,
      ...where,
      ...cert,
      outcome: "unavailable",
      status: 503,
      reasons: [`${matchText(matched)} has no ready backend: ${routing.reason}`, ...waitingWhy],
    };
  if (routing.type === "error")
    return { ...base, ...where, ...cert, outcome: "unavailable", status: 500, reasons: [routing.reason] };
  const backends = matched.groups.flatMap((g) => g.backends.map(address));
  const next = routing.backends[0];
  const nextText = next ? address(next) : undefined;
  const rewritten = routing.path !== origin;
  return {
    ...base,
    ...where,
    ...cert,
    outcome: "proxied",
    rewrittenPath: routing.path,
    backends,
    ...(nextText ? { next: nextText } : {}),
    reasons: [
      `${matchText(matched)} of host ${served?.host ?? host} (${ownerText(matched.owner)}) routes to ${where.target}`,
      `the backend sees ${routing.path}${rewritten ? " (rewritten)" : " (unchanged)"}`,
      engine === "builtin"
        ? `${backends.length} ready backend${backends.length === 1 ? "" : "s"}, round-robin; the next request goes to ${nextText}`
        : `${backends.length} ready backend${backends.length === 1 ? "" : "s"}, balanced round-robin by nginx`,
      ...waitingWhy,
    ],
  };
}
