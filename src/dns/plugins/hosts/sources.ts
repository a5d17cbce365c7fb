/**
 * Where the hosts plugin's names come from: each source is a resource and a function from one of
 * its objects to the host names it publishes (lower case, no trailing dot; `*.suffix` for a
 * wildcard). DNSRecords publish `spec.host`; Ingresses the hosts of their rules once the gateway
 * serves them, i.e. once their `status.loadBalancer.ingress` names one of the gateway addresses
 * (an Ingress another controller serves is not answered with kdns's address); HTTPRoutes their
 * hostnames once a kdns Gateway accepted them.
 */

import { type HTTPRoute, KDNS_GATEWAY_CONTROLLER } from "../../../api/gateway-api-types.ts";
import { type ResourceInfo, resourceByPath } from "../../../api/resources.ts";
import type { Ingress, KubeObject } from "../../../api/types.ts";
import { normalizeHost } from "./host-set.ts";

/** One kind of object whose hosts DNS answers with the gateway address. */
export interface HostSource {
  resource: ResourceInfo;
  /** The names `obj` publishes; `gateway` holds the gateway addresses. */
  hosts(obj: KubeObject, gateway: ReadonlySet<string>): string[];
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
 * The hostnames of an HTTPRoute attached to one of kdns's Gateways: once the gateway's status
 * names controller kdns.dev/gateway with Accepted True for a parent (a route of another
 * implementation, or one no listener accepts, is not answered). A route without hostnames takes
 * its listeners' and publishes none of its own.
 */
export const HTTP_ROUTE_HOSTS: HostSource = {
  resource: resource("gateway.networking.k8s.io", "httproutes"),
  hosts(obj) {
    const route = obj as HTTPRoute;
    const attached = (route.status?.parents ?? []).some(
      (p) =>
        p.controllerName === KDNS_GATEWAY_CONTROLLER &&
        (p.conditions ?? []).some((c) => c.type === "Accepted" && c.status === "True"),
    );
    if (!attached) return [];
    return (route.spec?.hostnames ?? []).filter((h) => typeof h === "string" && h !== "").map(normalizeHost);
  },
};

/** The sources the plugin reads unless told otherwise. */
export const DEFAULT_HOST_SOURCES: readonly HostSource[] = [DNS_RECORD_HOSTS, INGRESS_HOSTS, HTTP_ROUTE_HOSTS];
