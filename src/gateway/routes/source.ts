/**
 * What a route source (DNSRecord, Ingress, HTTPRoute) hands the builder: its routes with backend
 * references still unresolved, and the TLS it asks for. One translator per kind turns an object
 * into an {@link OwnerRoutes} (pure); {@link buildRouteTable} then resolves Services, Endpoints
 * and Secrets, settles conflicts (the oldest owner wins a host + match, as ingress-nginx does) and
 * orders each host's routes (precedence.ts).
 */
import type { PathMatch, RouteFilter, RouteMatch, RouteOwner } from "./model.ts";

/**
 * A backend reference: a Service port (by number or name), a fixed address, or a reference that
 * cannot be used (Gateway API: its share of requests is answered 500).
 */
export type BackendRef =
  | { type: "service"; namespace: string; name: string; port: number | string; weight: number }
  | { type: "address"; ip: string; port: number; weight: number }
  | { type: "invalid"; target: string; reason: string; weight: number };

/** One route as its source states it. */
export interface SourceRoute {
  /** Lower case; `*.suffix` or `*` allowed. */
  host: string;
  /** The path as the owner wrote it, for status messages. */
  path: string;
  match: RouteMatch;
  filters: RouteFilter[];
  backends: BackendRef[];
}

/** A TLS section: these hosts are served with the certificate of this Secret. */
export interface SourceTLS {
  /** Lower case; empty means every host of the owner. */
  hosts: string[];
  /** `namespace/name`. */
  secret: string;
  /** Plain HTTP requests are redirected to https. */
  redirect: boolean;
}

/** One owner's routes. */
export interface OwnerRoutes {
  owner: RouteOwner;
  /** `metadata.creationTimestamp`; older owners win conflicts. */
  created: string;
  /** In the owner's own order (rule order breaks precedence ties). */
  routes: SourceRoute[];
  tls: SourceTLS[];
  /** Set when the object cannot be routed at all (it should never have passed validation). */
  invalid?: string;
}

/** The claim two owners conflict on: same host and same match. */
export function claimKey(host: string, match: RouteMatch): string {
  const pairs = (list: { name: string; value: string }[] | undefined): string =>
    (list ?? [])
      .map((p) => `${p.name}=${p.value}`)
      .sort()
      .join("&");
  return [host, match.path.type, match.path.value, match.method ?? "", pairs(match.headers), pairs(match.queryParams)]
    .map((s) => JSON.stringify(s))
    .join(" ");
}

/** A PathPrefix match on `/`. */
export const ROOT_PREFIX: PathMatch = { type: "PathPrefix", value: "/" };
