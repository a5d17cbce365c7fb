/**
 * HTTPRoute → {@link OwnerRoutes} (pure), from its attachments: every host the route serves
 * through an accepted listener (its hostnames intersected with the listener's) × every rule × every
 * match is one route, in rule and match order (ties of the spec's precedence go to rule order).
 * Matches, filters and weights map one to one onto the routes model; header names become lower
 * case, and of two header matches with one name only the first counts (HTTPHeaderMatch). A
 * backendRef that does not resolve keeps its weight as an invalid backend: the spec asks that the
 * share of requests it would have taken be answered 500, not spread over the others. An HTTPS listener's certificate becomes a TLS section for the hosts
 * served through it, without a redirect from plain HTTP.
 */
import type {
  HTTPHeaderFilter,
  HTTPPathModifier,
  HTTPRouteFilter,
  HTTPRouteMatch,
} from "../../api/gateway-api-types.ts";
import type { HeaderEdits, NameValue, PathModifier, RouteFilter, RouteMatch } from "../routes/model.ts";
import { normalizePrefix } from "../routes/prefix.ts";
import type { BackendRef, OwnerRoutes, SourceRoute, SourceTLS } from "../routes/source.ts";
import type { RouteState } from "./attach.ts";

function firstByName(list: readonly { name: string; value: string }[] | undefined, lower: boolean): NameValue[] {
  const out: NameValue[] = [];
  for (const { name, value } of list ?? []) {
    const key = lower ? name.toLowerCase() : name;
    if (!out.some((x) => x.name === key)) out.push({ name: key, value });
  }
  return out;
}

function matchOf(m: HTTPRouteMatch): RouteMatch {
  const type = m.path?.type === "Exact" ? "Exact" : "PathPrefix";
  const value = m.path?.value ?? "/";
  const match: RouteMatch = { path: { type, value: type === "PathPrefix" ? normalizePrefix(value) : value } };
  if (m.method !== undefined) match.method = m.method;
  const headers = firstByName(m.headers, true);
  if (headers.length > 0) match.headers = headers;
  const query = firstByName(m.queryParams, false);
  if (query.length > 0) match.queryParams = query;
  return match;
}

function edits(f: HTTPHeaderFilter | undefined): HeaderEdits {
  const lower = (list: { name: string; value: string }[] | undefined) =>
    (list ?? []).map((h) => ({ name: h.name.toLowerCase(), value: h.value }));
  return { set: lower(f?.set), add: lower(f?.add), remove: (f?.remove ?? []).map((n) => n.toLowerCase()) };
}

function pathOf(p: HTTPPathModifier | undefined): { path: PathModifier } | Record<string, never> {
  if (p === undefined) return {};
  return {
    path: {
      type: p.type,
      value: (p.type === "ReplaceFullPath" ? p.replaceFullPath : p.replacePrefixMatch) ?? "/",
    },
  };
}

function filterOf(f: HTTPRouteFilter): RouteFilter | undefined {
  switch (f.type) {
    case "RequestHeaderModifier":
      return { type: "RequestHeaderModifier", ...edits(f.requestHeaderModifier) };
    case "ResponseHeaderModifier":
      return { type: "ResponseHeaderModifier", ...edits(f.responseHeaderModifier) };
    case "RequestRedirect": {
      const r = f.requestRedirect ?? {};
      return {
        type: "RequestRedirect",
        statusCode: (r.statusCode ?? 302) as 301 | 302 | 303 | 307 | 308,
        ...(r.scheme !== undefined ? { scheme: r.scheme } : {}),
        ...(r.hostname !== undefined ? { hostname: r.hostname } : {}),
        ...(r.port !== undefined ? { port: r.port } : {}),
        ...pathOf(r.path),
      };
    }
    case "URLRewrite": {
      const r = f.urlRewrite ?? {};
      return { type: "URLRewrite", ...(r.hostname !== undefined ? { hostname: r.hostname } : {}), ...pathOf(r.path) };
    }
    default:
      return undefined; // refused by validation
  }
}

/** The routes of one HTTPRoute, or undefined when it is attached nowhere. */
export function httpRouteSources(state: RouteState): OwnerRoutes | undefined {
  if (state.attachments.length === 0) return undefined;
  const route = state.route;
  const namespace = route.metadata.namespace ?? "default";
  const hosts: string[] = [];
  for (const a of state.attachments) for (const h of a.hosts) if (!hosts.includes(h)) hosts.push(h);
  const routes: SourceRoute[] = [];
  (route.spec?.rules ?? []).forEach((rule, i) => {
    const filters = (rule.filters ?? []).map(filterOf).filter((f): f is RouteFilter => f !== undefined);
    const backends = (state.backends[i] ?? []).map(({ ref: b, invalid }): BackendRef => {
      const weight = b.weight ?? 1;
      if (invalid !== undefined) return { type: "invalid", target: `backendRef ${b.name}`, reason: invalid, weight };
      return { type: "service", namespace: b.namespace ?? namespace, name: b.name, port: b.port ?? 80, weight };
    });
    const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
    for (const host of hosts) {
      for (const m of matches) routes.push({ host, path: m.path?.value ?? "/", match: matchOf(m), filters, backends });
    }
  });
  const tls: SourceTLS[] = [];
  for (const a of state.attachments) {
    if (a.tlsSecret === undefined) continue;
    const section = tls.find((t) => t.secret === a.tlsSecret);
    const names = a.hosts.filter((h) => h !== "*");
    if (section) section.hosts.push(...names.filter((h) => !section.hosts.includes(h)));
    else if (names.length > 0) tls.push({ hosts: names, secret: a.tlsSecret, redirect: false });
  }
  return {
    owner: { kind: "HTTPRoute", namespace, name: route.metadata.name ?? "" },
    created: route.metadata.creationTimestamp ?? "",
    routes,
    tls,
  };
}
