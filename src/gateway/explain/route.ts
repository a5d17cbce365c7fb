/**
 * `kdns explain route URL`, the pure part: which host, route and backends of the served route
 * table a URL gets, decided by the built-in engine's own {@link route} (nginx serves the same
 * table with the same prefix rules, pinned by the shared engine conformance suite).
 */
import { type Lookup, route } from "../builtin/lookup.ts";
import type { HostRoutes, Route, RouteTable } from "../routes/model.ts";
import { prefixMatches } from "../routes/prefix.ts";
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
  /** The matched path prefix and what it routes to. */
  prefix?: string;
  target?: string;
  /** Ready backends, `ip:port`, and the one the next request takes. */
  backends?: string[];
  next?: string;
  /** Where the redirect goes. */
  location?: string;
  /** For https URLs: the certificate served. */
  certificate?: { secret: string; object: string; subject: string; names: string[]; notAfter: string };
  engine: "builtin" | "nginx";
}

/** The served host entry of `name` (reads the routes model through this one function). */
export function servedHost(table: RouteTable, name: string): HostRoutes | undefined {
  return table.hosts.find((h) => h.host === name);
}

function owner(r: Route): string {
  return `DNSRecord ${r.record}`;
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
    object: `DNSRecord ${tls.record}`,
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
  const routing = route(lookup, host, origin, false);
  const secure = url.protocol === "https:";
  const certificate = secure && served ? certificateOf(served) : undefined;
  const cert = certificate ? { certificate } : {};
  if (routing.type === "no-host") {
    const reasons =
      served && secure
        ? [`host ${host} has no certificate (spec.tls), so it is not served over HTTPS`]
        : [`no DNSRecord serves host ${host}: ${TEXT.noHost}`];
    const known = table.hosts.map((h) => h.host);
    if (!served && known.length) reasons.push(`served hosts: ${known.slice(0, 10).join(", ")}`);
    return { ...base, outcome: "no-host", status: 404, reasons };
  }
  if (routing.type === "redirect")
    return {
      ...base,
      outcome: "redirect",
      status: 308,
      location: routing.location,
      reasons: [`host ${host} is served over HTTPS with a redirect: plain HTTP gets 308 to ${routing.location}`],
    };
  const matched = served?.routes.find((r) => prefixMatches(r.prefix, url.pathname));
  const where = matched ? { object: owner(matched), prefix: matched.prefix, target: matched.target } : {};
  if (routing.type === "no-path") {
    const prefixes = served?.routes.map((r) => r.prefix) ?? [];
    return {
      ...base,
      ...cert,
      outcome: "no-path",
      status: 404,
      reasons: [`host ${host} serves only ${prefixes.join(", ")}; none matches ${url.pathname}: ${TEXT.noPath}`],
    };
  }
  if (routing.type === "unavailable")
    return {
      ...base,
      ...where,
      ...cert,
      outcome: "unavailable",
      status: 503,
      reasons: [`prefix ${matched?.prefix ?? "?"} has no ready backend: ${routing.reason}`],
    };
  const backends = (matched?.backends ?? []).map((b) => `${b.ip.includes(":") ? `[${b.ip}]` : b.ip}:${b.port}`);
  const next = routing.backends[0];
  const nextText = next ? `${next.ip.includes(":") ? `[${next.ip}]` : next.ip}:${next.port}` : undefined;
  return {
    ...base,
    ...where,
    ...cert,
    outcome: "proxied",
    rewrittenPath: routing.path,
    backends,
    ...(nextText ? { next: nextText } : {}),
    reasons: [
      `prefix ${matched?.prefix} of host ${host} (${matched ? owner(matched) : "?"}) routes to ${matched?.target}`,
      `the backend sees ${routing.path}${matched?.prefix !== "/" ? ` (the prefix ${matched?.prefix} removed)` : ""}`,
      engine === "builtin"
        ? `${backends.length} ready backend${backends.length === 1 ? "" : "s"}, round-robin; the next request goes to ${nextText}`
        : `${backends.length} ready backend${backends.length === 1 ? "" : "s"}, balanced round-robin by nginx`,
    ],
  };
}
