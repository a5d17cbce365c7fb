/**
 * The names an HTTPRoute publishes, which depend on the listeners it attached to (Gateway API
 * HTTPRouteSpec.hostnames): a route without hostnames takes the hostname of each listener it
 * attached to, a route with hostnames serves their intersection with the listener's (a route's
 * `*.example.com` on a listener `foo.example.com` serves `foo.example.com` only). A listener
 * without hostname matches every name, so through it a route without hostnames publishes no
 * particular name: DNS cannot answer "every name", and kdns does not claim names nobody wrote.
 *
 * Pure: the route is reduced to its hostnames and the parents a kdns Gateway accepted it on
 * (from its status), a Gateway to its listeners; the hosts plugin joins the two.
 */

import { routeHostsOnListener } from "../../../api/gateway-api-hostnames.ts";
import type { Gateway } from "../../../api/gateway-api-types.ts";
import { type HTTPRoute, KDNS_GATEWAY_CONTROLLER } from "../../../api/gateway-api-types.ts";

/** A parent a kdns Gateway accepted the route on (status.parents, Accepted True). */
export interface AcceptedParent {
  /** `namespace/name` of the Gateway. */
  gateway: string;
  sectionName?: string;
  port?: number;
}

/** What of an HTTPRoute its names depend on. */
export interface RouteClaim {
  namespace: string;
  hostnames: string[];
  parents: AcceptedParent[];
}

/** What of a listener a route's names depend on. */
export interface ListenerView {
  name: string;
  port: number;
  hostname?: string;
  /** allowedRoutes.namespaces.from (Selector is taken as admitting: the route's Accepted says so for one). */
  from: "All" | "Same" | "Selector";
}

/** A Gateway's namespace and listeners. */
export interface GatewayView {
  namespace: string;
  listeners: ListenerView[];
}

/** The route's hostnames and the parents kdns accepted it on. */
export function routeClaim(route: HTTPRoute): RouteClaim {
  const namespace = route.metadata.namespace ?? "default";
  const parents: AcceptedParent[] = [];
  for (const p of route.status?.parents ?? []) {
    if (p.controllerName !== KDNS_GATEWAY_CONTROLLER) continue;
    if (!(p.conditions ?? []).some((c) => c.type === "Accepted" && c.status === "True")) continue;
    const ref = p.parentRef;
    if (
      (ref.group ?? "gateway.networking.k8s.io") !== "gateway.networking.k8s.io" ||
      (ref.kind ?? "Gateway") !== "Gateway"
    )
      continue;
    parents.push({
      gateway: `${ref.namespace ?? namespace}/${ref.name}`,
      ...(ref.sectionName !== undefined ? { sectionName: ref.sectionName } : {}),
      ...(ref.port !== undefined ? { port: ref.port } : {}),
    });
  }
  const hostnames = (route.spec?.hostnames ?? []).filter((h): h is string => typeof h === "string" && h !== "");
  return { namespace, hostnames, parents };
}

/** A Gateway's listeners as route names depend on them. */
export function gatewayView(gw: Gateway): GatewayView {
  return {
    namespace: gw.metadata.namespace ?? "default",
    listeners: (gw.spec?.listeners ?? []).map((l) => ({
      name: l.name,
      port: l.port,
      ...(l.hostname ? { hostname: l.hostname } : {}),
      from: l.allowedRoutes?.namespaces?.from ?? "Same",
    })),
  };
}

/**
 * The names `claim` publishes, lower case. A parent whose Gateway is not known (yet) publishes the
 * route's own hostnames, as the route states them.
 */
export function routeHosts(claim: RouteClaim, gateway: (key: string) => GatewayView | undefined): string[] {
  const out = new Set<string>();
  for (const parent of claim.parents) {
    const gw = gateway(parent.gateway);
    if (gw === undefined) {
      for (const h of claim.hostnames) out.add(h);
      continue;
    }
    for (const l of gw.listeners) {
      if (parent.sectionName !== undefined && parent.sectionName !== l.name) continue;
      if (parent.port !== undefined && parent.port !== l.port) continue;
      if (l.from === "Same" && gw.namespace !== claim.namespace) continue;
      for (const h of routeHostsOnListener(l.hostname, claim.hostnames)) if (h !== "*") out.add(h);
    }
  }
  return [...out].map((h) => h.toLowerCase().replace(/\.$/, ""));
}
