/**
 * Where the hosts plugin's names come from: each source is a resource and a function from one of
 * its objects to the host names it publishes (lower case, no trailing dot; `*.suffix` for a
 * wildcard). DNSRecords publish `spec.host`; Ingresses the hosts of their rules once the gateway
 * serves them, i.e. once their `status.loadBalancer.ingress` names one of the gateway addresses
 * (an Ingress another controller serves is not answered with kdns's address; a rule without host
 * is a catch-all, which no DNS name stands for); HTTPRoutes the names they serve through the
 * listeners of the kdns Gateways that accepted them.
 */

import type { HTTPRoute } from "../../../api/gateway-api-types.ts";
import { type ResourceInfo, resourceByPath } from "../../../api/resources.ts";
import type { Ingress, KubeObject } from "../../../api/types.ts";
import { normalizeHost } from "./host-set.ts";
import { type GatewayView, routeClaim, routeHosts } from "./route-hosts.ts";

/** The names of an object that depend on Gateways' listeners, and the Gateways they depend on. */
export interface JoinedHosts {
  /** `namespace/name` of each Gateway the names depend on. */
  gateways: string[];
  /** The names, given the Gateways as they are now (undefined: not known). */
  hosts(gateway: (key: string) => GatewayView | undefined): string[];
}

/** One kind of object whose hosts DNS answers with the gateway address. */
export interface HostSource {
  resource: ResourceInfo;
  /** The names `obj` publishes; `gateway` holds the gateway addresses. */
  hosts(obj: KubeObject, gateway: ReadonlySet<string>): string[];
  /**
   * Set for a kind whose names depend on the listeners of the Gateways it attaches to (HTTPRoute):
   * the plugin then watches Gateways too, and recomputes an object's names when one of its
   * Gateways changes.
   */
  joined?(obj: KubeObject): JoinedHosts;
}

function resource(group: string, plural: string): ResourceInfo {
  const info = resourceByPath(group, plural);
  if (!info) throw new Error(`resource ${plural} missing from the resource table`);
  return info;
}

/** DNSRecord `spec.host`. */
export const DNS_RECORD_HOSTS: HostSource = {
  resource: resource("kdns.dev", "dnsrecords"),
  hosts(obj) {
    const host = (obj["spec"] as { host?: unknown } | undefined)?.host;
    return typeof host === "string" && host !== "" ? [normalizeHost(host)] : [];
  },
};

/** The rule hosts of an Ingress the gateway serves. */
export const INGRESS_HOSTS: HostSource = {
  resource: resource("networking.k8s.io", "ingresses"),
  hosts(obj, gateway) {
    const ing = obj as Ingress;
    const lb = ing.status?.loadBalancer?.ingress ?? [];
    if (!lb.some((i) => i.ip !== undefined && gateway.has(i.ip))) return [];
    const out: string[] = [];
    for (const r of ing.spec?.rules ?? [])
      if (typeof r.host === "string" && r.host !== "") out.push(normalizeHost(r.host));
    return out;
  },
};

/**
 * The names of an HTTPRoute a kdns Gateway accepted (a `status.parents` entry of controller
 * kdns.dev/gateway with Accepted True; a route of another implementation, or one no listener
 * accepts, is not answered): its hostnames intersected with the hostname of each listener it
 * attached to, and a route without hostnames takes the listeners' (route-hosts.ts). Without the
 * Gateways, `hosts` gives the route's own hostnames.
 */
export const HTTP_ROUTE_HOSTS: HostSource = {
  resource: resource("gateway.networking.k8s.io", "httproutes"),
  hosts(obj) {
    return routeHosts(routeClaim(obj as HTTPRoute), () => undefined);
  },
  joined(obj) {
    const claim = routeClaim(obj as HTTPRoute);
    return {
      gateways: [...new Set(claim.parents.map((p) => p.gateway))],
      hosts: (gateway) => routeHosts(claim, gateway),
    };
  },
};

/** The sources the plugin reads unless told otherwise. */
export const DEFAULT_HOST_SOURCES: readonly HostSource[] = [DNS_RECORD_HOSTS, INGRESS_HOSTS, HTTP_ROUTE_HOSTS];
