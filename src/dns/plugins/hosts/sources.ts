/**
 * Where the hosts plugin's names come from: each source is a resource and a function from one of
 * its objects to the host names it publishes (lower case, no trailing dot; `*.suffix` for a
 * wildcard). DNSRecords publish `spec.host`; Ingresses the hosts of their rules once the gateway
 * serves them, i.e. once their `status.loadBalancer.ingress` names one of the gateway addresses
 * (an Ingress another controller serves is not answered with kdns's address). Another route kind
 * (HTTPRoute) adds a source here.
 */
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

/** The sources the plugin reads unless told otherwise. */
export const DEFAULT_HOST_SOURCES: readonly HostSource[] = [DNS_RECORD_HOSTS, INGRESS_HOSTS];
