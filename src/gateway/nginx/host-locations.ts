/**
 * One host's routes as nginx locations. Every path match gives its locations: `PathPrefix /p` the
 * pair ingress-nginx emits (`location = "/p"` for the bare path, `location "/p/"` below it),
 * `Exact /p` one `location = "/p"`, `PathPrefix /` the root. nginx picks a location by the
 * longest match, exact ones first — the model's path precedence — so each location's candidates
 * are the routes (in the model's order) whose path accepts every request reaching it.
 *
 * When the first candidate has no method/header/query match it is the location's action, inline.
 * Otherwise the location dispatches: a `map` per condition yields `1` or `0`, a map over their
 * concatenation picks the first candidate whose conditions all hold (regex keys are tried in
 * order), and `rewrite ^ <pick> last` moves the request to that route's internal location
 * (`/.kdns/h<host>/r<route>`, `internal`, so no client reaches it directly). No `if` is used.
 */
import type { HostRoutes, Route, RouteMatch } from "../routes/model.ts";
import { prefixMatches } from "../routes/prefix.ts";
import { TEXT } from "../texts.ts";
import { quote, quoteBody } from "./quote.ts";
import { regexLiteral } from "./regex.ts";
import { type ActionPlace, actionLines, type RenderSink, variableName } from "./route-action.ts";

/** A location of the host: `= path`, `path/` prefix, or the root. */
interface Place {
  kind: "exact" | "prefix" | "root";
  path: string;
}

function conditional(m: RouteMatch): boolean {
  return m.method !== undefined || (m.headers?.length ?? 0) > 0 || (m.queryParams?.length ?? 0) > 0;
}

/** Whether `route` takes every request nginx sends to `place`. */
function covers(route: Route, place: Place): boolean {
  const p = route.match.path;
  if (place.kind === "exact") return p.type === "Exact" ? p.value === place.path : prefixMatches(p.value, place.path);
  if (p.type === "Exact") return false;
  return place.kind === "root" ? p.value === "/" : prefixMatches(p.value, place.path);
}

/** The places of a host, in a stable order. */
function placesOf(host: HostRoutes): Place[] {
  const seen = new Map<string, Place>();
  const add = (p: Place): void => {
    const key = `${p.kind} ${p.path}`;
    if (!seen.has(key)) seen.set(key, p);
  };
  for (const r of host.routes) {
    const p = r.match.path;
    if (p.type === "Exact") add({ kind: "exact", path: p.value });
    else if (p.value === "/") add({ kind: "root", path: "/" });
    else {
      add({ kind: "exact", path: p.value });
      add({ kind: "prefix", path: `${p.value}/` });
    }
  }
  add({ kind: "root", path: "/" });
  return [...seen.values()];
}

/** One condition as a map giving `1` when it holds; the variable's name. */
function conditionVariable(
  kind: string,
  source: string,
  pattern: string,
  sink: RenderSink,
  ids: Map<string, string>,
): string {
  const key = `${kind} ${source} ${pattern}`;
  const known = ids.get(key);
  if (known) return known;
  const name = `$kdns_c${sink.ids++}`;
  ids.set(key, name);
  sink.maps.push(
    `    map ${source} ${name} {`,
    `        ${quote("match", `~${pattern}`)} 1;`,
    "        default 0;",
    "    }",
  );
  return name;
}

/** The variables (in a fixed order) and, per candidate, the bits it needs. */
function conditionsOf(m: RouteMatch, sink: RenderSink, ids: Map<string, string>): string[] {
  const vars: string[] = [];
  if (m.method !== undefined)
    vars.push(conditionVariable("method", "$request_method", `^${regexLiteral(m.method)}\\z`, sink, ids));
  for (const h of m.headers ?? [])
    vars.push(conditionVariable("header", `$http_${variableName(h.name)}`, `^${regexLiteral(h.value)}\\z`, sink, ids));
  for (const q of m.queryParams ?? [])
    vars.push(
      conditionVariable("query", "$args", `(^|&)${regexLiteral(q.name)}=${regexLiteral(q.value)}(&|\\z)`, sink, ids),
    );
  return vars;
}

/** The location line for a place. */
function locationLine(place: Place): string {
  if (place.kind === "root") return "        location / {";
  return place.kind === "exact"
    ? `        location = ${quote("path", place.path)} {`
    : `        location ${quote("path", place.path)} {`;
}

/** The locations (and internal locations) of `host`, number `hostIndex` in the table. */
export function hostLocations(host: HostRoutes, hostIndex: number, sink: RenderSink): string[] {
  const lines: string[] = [];
  const internal = new Map<number, string[]>(); // route index → its internal location
  const ids = new Map<string, string>();
  const upstream = (i: number): string => `kdns_${hostIndex}_${i}`;
  const commented = new Set<number>();
  const comment = (i: number): string[] => {
    if (commented.has(i)) return [];
    commented.add(i);
    const r = host.routes[i]!;
    const targets = r.groups.map((g) => quote("target", g.target)).join(", ");
    return [
      `        # ${quote("owner", `${r.owner.kind} ${r.owner.namespace}/${r.owner.name}`)} -> ${targets || "redirect"}`,
    ];
  };
  for (const place of placesOf(host)) {
    const candidates: number[] = [];
    host.routes.forEach((r, i) => {
      if (covers(r, place) && !candidates.some((c) => !conditional(host.routes[c]!.match))) candidates.push(i);
    });
    const first = candidates[0];
    if (first === undefined) {
      if (place.kind === "root")
        lines.push(locationLine(place), `            return 404 ${quoteBody(TEXT.noPath)};`, "        }");
      continue;
    }
    const firstRoute = host.routes[first]!;
    if (!conditional(firstRoute.match)) {
      const body = actionLines(upstream(first), firstRoute, place.kind as ActionPlace, sink);
      lines.push(...comment(first), locationLine(place), ...body, "        }");
      continue;
    }
    const bits: string[] = [];
    const wants = candidates.map((c) => {
      const vars = conditionsOf(host.routes[c]!.match, sink, ids);
      for (const v of vars) if (!bits.includes(v)) bits.push(v);
      return new Set(vars);
    });
    const pick = `$kdns_pick${sink.ids++}`;
    sink.maps.push(`    map "${bits.join("")}" ${pick} {`);
    let fallback = "/.kdns/none";
    candidates.forEach((c, n) => {
      const target = `/.kdns/h${hostIndex}/r${c}`;
      if (!internal.has(c)) internal.set(c, []);
      if (wants[n]!.size === 0) {
        fallback = target;
        return;
      }
      const pattern = bits.map((b) => (wants[n]!.has(b) ? "1" : ".")).join("");
      sink.maps.push(`        "~^${pattern}" "${target}";`);
    });
    sink.maps.push(`        default "${fallback}";`, "    }");
    lines.push(locationLine(place), `            rewrite ^ ${pick} last;`, "        }");
  }
  for (const i of internal.keys()) {
    const r = host.routes[i]!;
    const body = actionLines(upstream(i), r, "internal", sink);
    lines.push(
      ...comment(i),
      `        location = "/.kdns/h${hostIndex}/r${i}" {`,
      "            internal;",
      ...body,
      "        }",
    );
  }
  if (internal.size > 0)
    lines.push(
      `        location = "/.kdns/none" {`,
      "            internal;",
      `            return 404 ${quoteBody(TEXT.noPath)};`,
      "        }",
    );
  return lines;
}
