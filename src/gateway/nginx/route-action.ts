/**
 * One route's action in nginx.conf: its upstream (the groups' ready endpoints, each server
 * weighted so a group's share of requests is its weight, nginx's smooth weighted round-robin
 * spreading them), the header filters, the path and host rewrites, or the redirect. The same
 * lines serve a route inline in its path's location, or in the internal location a header /
 * query / method dispatch rewrites to (dispatch.ts); `internal` says which, since there the URI
 * has been rewritten and the original must be read from `$request_uri`.
 */
import { formatHostPort } from "../../machinery/host-port.ts";
import type { HeaderEdits, Route, RouteFilter } from "../routes/model.ts";
import { TEXT } from "../texts.ts";
import { quote, quoteBody, UnsafeValueError } from "./quote.ts";
import { regexLiteral } from "./regex.ts";
import { type RequestLogOptions, routeMarker } from "./request-log-render.ts";

/** Where an action is rendered. */
export type ActionPlace = "exact" | "prefix" | "root" | "internal";

/** Shared state of one rendering: extra http-level blocks, ids. */
export interface RenderSink {
  upstreams: string[];
  /**
   * The name of each upstream in `upstreams` by its servers: routes to the same endpoints share
   * one upstream (and one keep-alive pool per worker), so a thousand routes to one Service do not
   * make nginx build a thousand pools at every reload.
   */
  upstreamNames: Map<string, string>;
  maps: string[];
  /** Counter for generated variable names. */
  ids: number;
  /** With it each route's location says which route it is (`$kdns_path`, `$kdns_route`), for the request log. */
  requestLog: RequestLogOptions | undefined;
  /**
   * The values of the host being rendered that hosts of the same shape may differ in (its
   * upstreams, its routes' records), each written as {@link hostParam}'s placeholder; see
   * shared-servers.ts.
   */
  params: string[];
}

/**
 * `value` (an nginx token: a bare name or a quoted string) as a placeholder of the host being
 * rendered: shared-servers.ts writes it back, or a variable mapping each host of a shared server
 * block to its own value. The placeholder is control characters, which no quoted value contains.
 */
export function hostParam(value: string, sink: RenderSink): string {
  sink.params.push(value);
  return `\u0001${sink.params.length - 1}\u0001`;
}

/** The request headers every proxied request gets (http level), repeated where a location sets its own. */
export const BASE_PROXY_HEADERS: readonly [string, string][] = [
  ["Host", "$kdns_host"],
  ["Upgrade", "$http_upgrade"],
  ["Connection", "$connection_upgrade"],
  ["X-Real-IP", "$remote_addr"],
  ["X-Forwarded-For", "$proxy_add_x_forwarded_for"],
  ["X-Forwarded-Host", "$kdns_host"],
  ["X-Forwarded-Proto", "$scheme"],
];

/** A quoted nginx string whose user parts are quoted and whose `$vars` are kdns's own. */
function inner(what: string, value: string): string {
  return quote(what, value).slice(1, -1);
}

const greatestCommonDivisor = (a: number, b: number): number => (b === 0 ? a : greatestCommonDivisor(b, a % b));

/** The server lines of a route's upstream block, or undefined when no group with weight has backends. */
function upstreamServers(route: Route): string[] | undefined {
  const live = route.groups.filter((g) => g.weight > 0 && g.backends.length > 0);
  if (live.length === 0) return undefined;
  // Per-server weight = group weight × (L / servers in group), L the lcm of the group sizes.
  const lcm = live.reduce((l, g) => (l * g.backends.length) / greatestCommonDivisor(l, g.backends.length), 1);
  const lines: string[] = [];
  // max_fails=0: a refused backend is skipped per request (proxy_next_upstream) but never parked
  // for fail_timeout, so a restarted backend serves at once, as in the built-in engine.
  for (const g of live) {
    const w = live.length === 1 ? 1 : (g.weight * lcm) / g.backends.length;
    const weight = w === 1 ? "" : ` weight=${w}`;
    for (const b of g.backends)
      lines.push(
        `        server ${quote("backend", formatHostPort({ host: b.ip, port: b.port }))}${weight} max_fails=0;`,
      );
  }
  return lines;
}

/** The name of the upstream serving `servers`: `name`, added to the sink, unless one has them already. */
function upstreamFor(name: string, servers: string[], sink: RenderSink): string {
  const key = servers.join("\n");
  const known = sink.upstreamNames.get(key);
  if (known !== undefined) return known;
  sink.upstreamNames.set(key, name);
  sink.upstreams.push(`    upstream ${name} {`, ...servers, "        keepalive 32;", "    }");
  return name;
}

/** The lines of request header edits: proxy_set_header replaces the inherited ones, so those are repeated. */
function requestHeaderLines(edits: HeaderEdits[], hostOverride: string | undefined, sink: RenderSink): string[] {
  const values = new Map<string, string>(BASE_PROXY_HEADERS.map(([n, v]) => [n.toLowerCase(), v]));
  const names = new Map<string, string>(BASE_PROXY_HEADERS.map(([n]) => [n.toLowerCase(), n]));
  if (hostOverride !== undefined) values.set("host", inner("hostname", hostOverride));
  for (const e of edits) {
    for (const n of e.remove) {
      names.set(n, n);
      values.set(n, "");
    }
    for (const h of e.set) {
      names.set(h.name, h.name);
      values.set(h.name, inner("header value", h.value));
    }
    for (const h of e.add) {
      // Appends to the client's value when it sent one (Gateway API: add appends).
      const id = `$kdns_add_${sink.ids++}`;
      const source = `$http_${variableName(h.name)}`;
      const value = inner("header value", h.value);
      sink.maps.push(
        `    map ${source} ${id} {`,
        `        "" "${value}";`,
        `        default "${source},${value}";`,
        "    }",
      );
      names.set(h.name, h.name);
      values.set(h.name, id);
    }
  }
  return [...values].map(([n, v]) => `            proxy_set_header ${headerName(names.get(n) ?? n)} "${v}";`);
}

/** A header name, checked to be an HTTP token (RFC 9110 §5.1) and quoted. */
function headerName(name: string): string {
  if (!/^[!#%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name))
    throw new UnsafeValueError("header name", name, "it is not an HTTP token");
  return quote("header name", name);
}

/** Response header edits: hidden from the backend's response, then added by nginx. */
function responseHeaderLines(edits: HeaderEdits[]): string[] {
  const lines: string[] = [];
  for (const e of edits) {
    for (const n of [...e.remove, ...e.set.map((h) => h.name)])
      lines.push(`            proxy_hide_header ${headerName(n)};`);
    for (const h of [...e.set, ...e.add])
      lines.push(`            add_header ${headerName(h.name)} ${quote("header value", h.value)} always;`);
  }
  return lines;
}

/** A header name as nginx's `$http_` variable suffix. */
export function variableName(header: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(header))
    throw new UnsafeValueError("matched header name", header, "nginx matches only names of letters, digits and '-'");
  return header.toLowerCase().replace(/-/g, "_");
}

/**
 * The path after the route's prefix, from the raw `$request_uri` (used where the URI was rewritten
 * for a dispatch, or for redirects): a map with a named capture.
 */
function restOfPath(route: Route, sink: RenderSink, whenEmpty: string): string {
  const id = sink.ids++;
  const prefix = route.match.path.value === "/" ? "" : regexLiteral(route.match.path.value);
  sink.maps.push(
    `    map $request_uri $kdns_rest_${id} {`,
    `        "~^${inner("path", prefix)}(?<kdns_r${id}>/[^?]*)" $kdns_r${id};`,
    `        default "${inner("path", whenEmpty)}";`,
    "    }",
  );
  return `$kdns_rest_${id}`;
}

/** The redirect's `return` (Gateway API HTTPRequestRedirectFilter). */
function redirectLines(f: Extract<RouteFilter, { type: "RequestRedirect" }>, route: Route, sink: RenderSink): string[] {
  const scheme = f.scheme ?? "$scheme";
  const host = f.hostname !== undefined ? inner("hostname", f.hostname) : "$host";
  let port: string;
  if (f.port !== undefined) {
    // A scheme's default port is left out of the URL (RFC 9110 §4.2); without a scheme that is the request's.
    const forScheme = (s: string): string =>
      (s === "http" && f.port === 80) || (s === "https" && f.port === 443) ? "" : `:${f.port}`;
    if (f.scheme !== undefined) port = forScheme(f.scheme);
    else {
      const id = `$kdns_port_${sink.ids++}`;
      sink.maps.push(
        `    map $scheme ${id} {`,
        `        https "${forScheme("https")}";`,
        `        default "${forScheme("http")}";`,
        "    }",
      );
      port = id;
    }
  } else port = f.scheme !== undefined ? "" : "$kdns_listener_port";
  let path: string;
  if (f.path === undefined) path = "$request_uri";
  else if (f.path.type === "ReplaceFullPath") path = `${inner("path", f.path.value)}$is_args$args`;
  else {
    const base = f.path.value.endsWith("/") ? f.path.value.slice(0, -1) : f.path.value;
    path = `${inner("path", base)}${restOfPath(route, sink, base === "" ? "/" : "")}$is_args$args`;
  }
  return [`            return ${f.statusCode} "${scheme}://${host}${port}${path}";`];
}

/**
 * `proxy_pass` to upstream `name` with `uri`: bare when it is plain characters (the common case),
 * else quoted. The upstream is a host parameter only where naming it by a variable changes
 * nothing: with no URI (the request's is passed either way), or a URI that has variables already
 * (passed as it is either way). A literal URI without variables replaces the part of the URI the
 * location matched, which nginx does only when proxy_pass has no variables.
 */
function passTo(name: string, uri: string, sink: RenderSink): string {
  const upstream = uri === "" || uri.includes("$") ? hostParam(name, sink) : name;
  const url = `http://${upstream}${uri}`;
  return /^[A-Za-z0-9/._~:\u0001-]*$/.test(url) ? `proxy_pass ${url};` : `proxy_pass "${url}";`;
}

/** The proxy_pass of a route with upstream `name`, by place and path rewrite. */
function proxyPass(name: string, route: Route, place: ActionPlace, sink: RenderSink): string {
  const pass = (url: string): string => passTo(name, url, sink);
  const rewrite = route.filters.find((f) => f.type === "URLRewrite");
  let modifier = rewrite?.type === "URLRewrite" ? rewrite.path : undefined;
  // Replacing the prefix `/` with `/` changes nothing.
  if (modifier?.type === "ReplacePrefixMatch" && route.match.path.value === "/" && /^\/*$/.test(modifier.value))
    modifier = undefined;
  if (modifier === undefined) return place === "internal" ? pass("$request_uri") : pass("");
  if (modifier.type === "ReplaceFullPath") return pass(`${inner("path", modifier.value)}$is_args$args`);
  const base = modifier.value.endsWith("/") ? modifier.value.slice(0, -1) : modifier.value;
  // proxy_pass with a URI replaces the part of the normalised URI the location matched.
  if (place === "exact") return pass(inner("path", base === "" ? "/" : base));
  if (place === "prefix" || place === "root") return pass(inner("path", `${base}/`));
  return pass(`${inner("path", base)}${restOfPath(route, sink, base === "" ? "/" : "")}$is_args$args`);
}

/** The body lines of a location serving `route` (its upstream is added to the sink). */
export function actionLines(name: string, route: Route, place: ActionPlace, sink: RenderSink): string[] {
  const marker = sink.requestLog
    ? routeMarker(
        route.match.path.value,
        (record) => hostParam(record, sink),
        `${route.owner.namespace}/${route.owner.name}`,
        sink.requestLog,
      )
    : [];
  return [...marker, ...actionBody(name, route, place, sink)];
}

/**
 * The share of requests invalid groups take (Gateway API: answered 500, the weights kept): a
 * `split_clients` on the random `$request_id` picks them, then a `return` inside `if` (one of the
 * two things nginx documents as safe in a location's `if`). Percentages have two decimals; the
 * share is kept above 0% and below 100% so a small weight is not lost to rounding.
 */
function invalidShareLines(route: Route, sink: RenderSink): string[] {
  const weighted = route.groups.filter((g) => g.weight > 0);
  const total = weighted.reduce((a, g) => a + g.weight, 0);
  const invalid = weighted.filter((g) => g.invalid !== undefined);
  const share = invalid.reduce((a, g) => a + g.weight, 0);
  if (share === 0) return [];
  const body = quoteBody(TEXT.routeError(invalid[0]?.invalid ?? "invalid backend"));
  if (share === total) return [`            return 500 ${body};`];
  const percent = Math.min(99.99, Math.max(0.01, Math.round((share / total) * 10_000) / 100));
  const id = `$kdns_invalid_${sink.ids++}`;
  sink.maps.push(
    `    split_clients "\${request_id}" ${id} {`,
    `        ${percent.toFixed(2)}% 1;`,
    '        * "";',
    "    }",
  );
  return [`            if (${id}) {`, `                return 500 ${body};`, "            }"];
}

/** {@link actionLines} without the route marker. */
function actionBody(proposed: string, route: Route, place: ActionPlace, sink: RenderSink): string[] {
  const redirect = route.filters.find((f) => f.type === "RequestRedirect");
  if (redirect?.type === "RequestRedirect") return redirectLines(redirect, route, sink);
  const invalid = invalidShareLines(route, sink);
  if (invalid.length === 1) return invalid; // one `return 500`: every request goes to an invalid group
  const servers = upstreamServers(route);
  if (!servers) {
    const weighted = route.groups.filter((g) => g.weight > 0 && g.invalid === undefined);
    if (weighted.length === 0)
      return [`            return 500 ${quoteBody(TEXT.routeError("no backend takes traffic on this route"))};`];
    return [...invalid, `            return 503 ${quoteBody(TEXT.unavailable(weighted[0]?.unavailable ?? "none"))};`];
  }
  const name = upstreamFor(proposed, servers, sink);
  const lines: string[] = [...invalid];
  const rewrite = route.filters.find((f) => f.type === "URLRewrite");
  const hostOverride = rewrite?.type === "URLRewrite" ? rewrite.hostname : undefined;
  const requestEdits = route.filters.filter((f) => f.type === "RequestHeaderModifier");
  if (requestEdits.length > 0 || hostOverride !== undefined)
    lines.push(...requestHeaderLines(requestEdits, hostOverride, sink));
  lines.push(...responseHeaderLines(route.filters.filter((f) => f.type === "ResponseHeaderModifier")));
  lines.push(`            ${proxyPass(name, route, place, sink)}`);
  return lines;
}
