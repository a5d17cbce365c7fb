/**
 * The built-in engine's view of a route table: a host map and, per host, the routes longest prefix
 * first, each with its round-robin cursor. Built once per table change, so a request does one map
 * lookup and a few string compares.
 */
import type { Backend, RouteTable } from "../routes/model.ts";
import { prefixMatches, stripPrefix } from "../routes/prefix.ts";

/** A route with its round-robin cursor. */
export interface LiveRoute {
  prefix: string;
  backends: Backend[];
  unavailable: string | undefined;
  next: number;
}

/** Host → routes (longest prefix first). */
export type Lookup = Map<string, LiveRoute[]>;

/** Result of routing one request. */
export type Routing =
  | { type: "no-host" }
  | { type: "no-path" }
  | { type: "unavailable"; reason: string }
  /** `backends` is rotated for round-robin: try them in this order. */
  | { type: "route"; path: string; backends: Backend[] };

/** Builds the lookup for a table. */
export function compileLookup(table: RouteTable): Lookup {
  return new Map(
    table.hosts.map((h) => [
      h.host,
      h.routes.map((r) => ({ prefix: r.prefix, backends: r.backends, unavailable: r.unavailable, next: 0 })),
    ]),
  );
}

/** The host of a Host header: port, trailing dot and case removed. */
export function hostOf(header: string | undefined): string {
  if (!header) return "";
  let host = header;
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1).toLowerCase();
  const colon = host.lastIndexOf(":");
  if (colon >= 0) host = host.slice(0, colon);
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host.toLowerCase();
}

/** Routes a request (`url` in origin form, query included). */
export function route(lookup: Lookup, hostHeader: string | undefined, url: string): Routing {
  const routes = lookup.get(hostOf(hostHeader));
  if (!routes) return { type: "no-host" };
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  for (const r of routes) {
    if (!prefixMatches(r.prefix, path)) continue;
    if (r.backends.length === 0) return { type: "unavailable", reason: r.unavailable ?? "none" };
    const start = r.next % r.backends.length;
    r.next = (start + 1) % r.backends.length;
    const order = start === 0 ? r.backends : [...r.backends.slice(start), ...r.backends.slice(0, start)];
    return { type: "route", path: stripPrefix(r.prefix, path) + (q < 0 ? "" : url.slice(q)), backends: order };
  }
  return { type: "no-path" };
}
