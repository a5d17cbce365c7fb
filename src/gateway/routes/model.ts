/**
 * The routes model both gateway engines serve. Pure data, built by {@link buildRouteTable} from
 * the route sources (DNSRecord, Ingress, HTTPRoute) plus Services, Endpoints and Secrets, so nginx
 * rendering and the built-in proxy read the same thing and a test can compare them.
 *
 * A table is a list of hosts; each host holds its routes **in precedence order: the first route
 * whose match accepts a request serves it** — engines never re-sort. A route is a match (path,
 * method, headers, query parameters), filters applied in order, and weighted backend groups.
 *
 * How each source maps into it:
 * - **DNSRecord** `spec.host` + `spec.paths[]`: one route per path, match `PathPrefix` (whole path
 *   elements), filter `URLRewrite { path: ReplacePrefixMatch "/" }` (the prefix is stripped, as
 *   nginx's `location /p/ { proxy_pass http://up/; }` does), one group of weight 1. `spec.tls`
 *   gives the host's {@link HostTLS}.
 * - **Ingress** rule `host` + `http.paths[]`: one route per path, `pathType` Exact → `Exact`,
 *   Prefix and ImplementationSpecific → `PathPrefix`; no filter (the path reaches the backend
 *   unchanged); one group of weight 1 (the Service port by number or by name). `defaultBackend`
 *   becomes a `PathPrefix "/"` route on each of the Ingress's hosts, after their paths, and on the
 *   catch-all host `*` when the Ingress has a rule without host. `tls[]` entries give HostTLS.
 *   A rule without `host` is the catch-all host `*`.
 * - **HTTPRoute** (the gatewayapi helper's translator): each hostname (exact or `*.` wildcard) ×
 *   each rule × each match is one route (a rule without matches is one route matching
 *   `PathPrefix "/"`); `backendRefs` become groups with their `weight` (default 1; 0 takes no
 *   traffic), one that does not resolve an `invalid` group that keeps its weight; filters map
 *   one to one.
 *
 * Precedence within a host (Ingress spec: Exact before Prefix, longer before shorter; Gateway API
 * HTTPRouteRule: Exact, then the longest prefix, then method, then the most header matches, then
 * the most query parameter matches, then the oldest owner, then `namespace/name`, then rule
 * order): {@link compareRoutes} in precedence.ts, applied by the builder to all sources alike.
 *
 * Hosts: `host` is lower case; `*.example.com` is a wildcard (Gateway API suffix semantics: any
 * name ending in `.example.com`, at any depth) and `*` the catch-all. An exact host is looked up
 * first, then wildcards longest suffix first, then `*`; a request served by a host never falls
 * through to a less specific one (as nginx's server_name picks one server).
 *
 * A host served over HTTPS carries its parsed certificate (the key as a `KeyObject`, so printing
 * a table prints no key material).
 */
import type { ServingCertificate } from "../tls/certificate.ts";

/** One upstream address. */
export interface Backend {
  ip: string;
  port: number;
}

/** The kinds that own routes. */
export type OwnerKind = "DNSRecord" | "Ingress" | "HTTPRoute";

/** The object a route comes from: conflicts, status, events and metrics name it. */
export interface RouteOwner {
  kind: OwnerKind;
  namespace: string;
  name: string;
}

/**
 * How a path is matched. `PathPrefix` matches whole path elements (`/a` matches `/a`, `/a/`,
 * `/a/b`, not `/ab`); its value is normalised (no trailing slash except `/` itself). `Exact`
 * compares the whole path, trailing slash included.
 */
export interface PathMatch {
  type: "Exact" | "PathPrefix";
  value: string;
}

/** A header or query parameter that must be present with exactly this value. */
export interface NameValue {
  /** Header names are lower case (matched case-insensitively); query parameter names as written. */
  name: string;
  value: string;
}

/** What a request must carry to take a route; every present part must match. */
export interface RouteMatch {
  path: PathMatch;
  /** Upper case, e.g. `GET`. */
  method?: string;
  /** Exact value matches (case-sensitive values), at most one per name. */
  headers?: NameValue[];
  /** Exact value matches on the decoded query; the first occurrence of a repeated name counts. */
  queryParams?: NameValue[];
}

/** Header edits, Gateway API HTTPHeaderFilter: `set` replaces, `add` appends, `remove` deletes. */
export interface HeaderEdits {
  /** Names lower case. */
  set: NameValue[];
  add: NameValue[];
  /** Lower case names. */
  remove: string[];
}

/** Gateway API HTTPPathModifier. */
export interface PathModifier {
  /** `ReplaceFullPath`: the path becomes `value`; `ReplacePrefixMatch`: the matched prefix is replaced. */
  type: "ReplaceFullPath" | "ReplacePrefixMatch";
  value: string;
}

/** A filter, applied in the order the route lists them. */
export type RouteFilter =
  | ({ type: "RequestHeaderModifier" } & HeaderEdits)
  | ({ type: "ResponseHeaderModifier" } & HeaderEdits)
  | {
      /** Answered by the gateway; the route's groups are not used. */
      type: "RequestRedirect";
      scheme?: "http" | "https";
      hostname?: string;
      /** Omitted: the scheme's default port when the scheme changes, else the request's port. */
      port?: number;
      path?: PathModifier;
      statusCode: 301 | 302 | 303 | 307 | 308;
    }
  | { type: "URLRewrite"; hostname?: string; path?: PathModifier };

/** Backends that share one weight (one Service port, or one fixed address). */
export interface BackendGroup {
  /** Share of the route's traffic: weight / sum of weights; 0 takes none. */
  weight: number;
  /** Human description for messages (`10.0.0.1:80`, `service default/web port 80`). */
  target: string;
  /** `namespace/name` of the Service behind the group, when it is one (metrics' `service`). */
  service?: string;
  /** Ready backends, in a stable order (round-robin starts at the first). */
  backends: Backend[];
  /** Why `backends` is empty; a request the group is picked for gets 503 with this text. */
  unavailable?: string;
  /** The Service's not-ready addresses for this port: never routed to, shown by `kdns explain route`. */
  notReady?: Backend[];
  /**
   * Set when the reference cannot be used (no such Service, not permitted, not a Service): a
   * request the group is picked for gets 500 with this text. It keeps its weight, so its share of
   * requests fails rather than going to the other groups (Gateway API HTTPBackendRef).
   */
  invalid?: string;
}

/** One route of a host. */
export interface Route {
  match: RouteMatch;
  owner: RouteOwner;
  /** Filters in order; at most one RequestRedirect, never together with URLRewrite. */
  filters: RouteFilter[];
  /** Weighted groups; empty (or all weight 0) with no redirect: 500, as is an invalid group's share (Gateway API). */
  groups: BackendGroup[];
}

/** How a host is served on the TLS listener. */
export interface HostTLS {
  /** `namespace/name` of the Secret the certificate comes from. */
  secret: string;
  /** The object whose TLS section this is. */
  owner: RouteOwner;
  certificate: ServingCertificate;
  /** Plain HTTP requests for the host are answered 308 to its https URL. */
  redirect: boolean;
}

/** A host and its routes in precedence order. */
export interface HostRoutes {
  /** Lower case; `*.suffix` wildcard or `*` catch-all allowed. */
  host: string;
  routes: Route[];
  /** Set when the host is served over HTTPS too (its routes are the same there). */
  tls?: HostTLS;
}

/** A path of an owner that another, older owner already serves with the same match. */
export interface LostPath {
  /** Host and path as the owner wrote them. */
  host: string;
  path: string;
  winner: RouteOwner;
}

/** What the model decided for one route owner; the status writers turn it into `status`. */
export interface OwnerOutcome {
  owner: RouteOwner;
  /** Hosts this owner serves at least one route of (for DNS and status). */
  hosts: string[];
  /** Paths (as written) served. */
  served: string[];
  lost: LostPath[];
  /** Paths served but without a ready backend, with the reason. */
  unavailable: { path: string; reason: string }[];
  /** Set when the owner was skipped as invalid (it should never pass API validation). */
  invalid?: string;
  /** Set when the owner was skipped because the Secret of its TLS section cannot be served. */
  invalidCertificate?: string;
  /** How the owner's hosts are served over HTTPS, or why its TLS section is not used. */
  https?: { served: boolean; note: string };
}

/** The whole routing state at one moment. */
export interface RouteTable {
  /** Sorted by host. */
  hosts: HostRoutes[];
  /** Sorted by kind, namespace, name. */
  outcomes: OwnerOutcome[];
}

/** `namespace/name` of an owner. */
export function ownerKey(owner: RouteOwner): string {
  return `${owner.namespace}/${owner.name}`;
}

/** `Kind namespace/name`, as messages name an owner. */
export function ownerName(owner: RouteOwner): string {
  return `${owner.kind} ${owner.namespace}/${owner.name}`;
}

/** A host entry as JSON, what engines compare: a certificate's id stands for it (and keeps key material out). */
export function hostFingerprint(entry: HostRoutes): string {
  return JSON.stringify(entry, (k, v) => (k === "certificate" ? (v as ServingCertificate).id : v));
}
