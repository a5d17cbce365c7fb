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

/** Routes a request to host `name` (as `routingName` gives it) and `url` (origin-form, query included). */
export function route(lookup: Lookup, name: string, url: string): Routing {
  const routes = lookup.get(name);
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
