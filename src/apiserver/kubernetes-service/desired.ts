/**
 * What `default/kubernetes` should be, given the API servers that hold a live lease: the Service
 * (cluster IP = the first address of the service range, no selector), its Endpoints and its
 * EndpointSlices, as kube-apiserver's endpoint reconciler writes them. Every API server computes
 * the same objects from the same leases, so servers sharing a store never undo each other. Pure.
 */
import { isIPv6 } from "node:net";
import type { EndpointSlice, Endpoints, Service, ServicePort } from "../../api/types.ts";

/** One API server, as its lease names it. */
export interface ApiEndpoint {
  /** The address clients reach it on (an IP). */
  address: string;
  port: number;
  scheme: "http" | "https";
}

/** The namespace and name of the objects. */
export const KUBERNETES_NAMESPACE = "default";
export const KUBERNETES_NAME = "kubernetes";

/** Labels kube-apiserver puts on the Service. */
const SERVICE_LABELS = { component: "apiserver", provider: "kubernetes" };
/** The Endpoints are not mirrored into slices by a controller: the API server writes both. */
const ENDPOINTS_LABELS = { "endpointslice.kubernetes.io/skip-mirror": "true" };
/** kube-apiserver's slice carries only the service-name label; the managed-by label lets kdns find its stale ones. */
export const SLICE_MANAGED_BY = "kdns-apiserver";
/** The labels of the EndpointSlices. */
export const SLICE_LABELS = {
  "kubernetes.io/service-name": KUBERNETES_NAME,
  "endpointslice.kubernetes.io/managed-by": SLICE_MANAGED_BY,
};

function compare(a: ApiEndpoint, b: ApiEndpoint): number {
  return a.port - b.port || a.address.localeCompare(b.address) || a.scheme.localeCompare(b.scheme);
}

/** The endpoints in the one order every server uses. */
export function sortEndpoints(endpoints: readonly ApiEndpoint[]): ApiEndpoint[] {
  return [...endpoints].sort(compare);
}

/**
 * The Service's port: `https`/443 as on any cluster when the API serves TLS, else `http` on the
 * API's own port; the target is the API's port. With several servers, the first in sorted order decides.
 */
export function servicePort(first: ApiEndpoint): ServicePort {
  return {
    name: first.scheme,
    protocol: "TCP",
    port: first.scheme === "https" ? 443 : first.port,
    targetPort: first.port,
  };
}

/** The Service, or undefined while no API server holds a lease. */
export function desiredService(endpoints: readonly ApiEndpoint[], clusterIP: string): Service | undefined {
  const first = sortEndpoints(endpoints)[0];
  if (!first) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: KUBERNETES_NAME, namespace: KUBERNETES_NAMESPACE, labels: { ...SERVICE_LABELS } },
    spec: {
      type: "ClusterIP",
      clusterIP,
      clusterIPs: [clusterIP],
      sessionAffinity: "None",
      ports: [servicePort(first)],
    },
  };
}

/** Endpoints grouped by port (one subset per port and scheme), addresses sorted. */
function groups(
  endpoints: readonly ApiEndpoint[],
): { port: number; scheme: ApiEndpoint["scheme"]; addresses: string[] }[] {
  const out: { port: number; scheme: ApiEndpoint["scheme"]; addresses: string[] }[] = [];
  for (const e of sortEndpoints(endpoints)) {
    const group = out.find((g) => g.port === e.port && g.scheme === e.scheme);
    if (group) {
      if (!group.addresses.includes(e.address)) group.addresses.push(e.address);
    } else out.push({ port: e.port, scheme: e.scheme, addresses: [e.address] });
  }
  return out;
}

/** The Endpoints: one subset per port; none left when the last server has gone. */
export function desiredEndpoints(endpoints: readonly ApiEndpoint[]): Endpoints {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: KUBERNETES_NAME, namespace: KUBERNETES_NAMESPACE, labels: { ...ENDPOINTS_LABELS } },
    subsets: groups(endpoints).map((g) => ({
      addresses: g.addresses.map((ip) => ({ ip })),
      ports: [{ name: g.scheme, port: g.port, protocol: "TCP" }],
    })),
  };
}

/**
 * The EndpointSlices: a slice holds one address family and one port list, so there is one per
 * family and port; the first (IPv4 before IPv6, then by port) is named `kubernetes`, as on any
 * cluster, the others `kubernetes-<family>-<port>`. With no server left, `kubernetes` stays, empty.
 */
export function desiredEndpointSlices(endpoints: readonly ApiEndpoint[]): EndpointSlice[] {
  const byFamily = new Map<
    string,
    { family: "IPv4" | "IPv6"; port: number; scheme: ApiEndpoint["scheme"]; addresses: string[] }
  >();
  for (const g of groups(endpoints)) {
    for (const address of g.addresses) {
      const family = isIPv6(address) ? "IPv6" : "IPv4";
      const key = `${family}/${g.port}/${g.scheme}`;
      const slice = byFamily.get(key) ?? { family, port: g.port, scheme: g.scheme, addresses: [] };
      slice.addresses.push(address);
      byFamily.set(key, slice);
    }
  }
  const ordered = [...byFamily.values()].sort((a, b) => a.family.localeCompare(b.family) || a.port - b.port);
  const slices = ordered.map(
    (s, i): EndpointSlice => ({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: i === 0 ? KUBERNETES_NAME : `${KUBERNETES_NAME}-${s.family.toLowerCase()}-${s.port}`,
        namespace: KUBERNETES_NAMESPACE,
        labels: { ...SLICE_LABELS },
      },
      addressType: s.family,
      endpoints: s.addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
      ports: [{ name: s.scheme, port: s.port, protocol: "TCP" }],
    }),
  );
  if (slices.length > 0) return slices;
  return [
    {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: KUBERNETES_NAME, namespace: KUBERNETES_NAMESPACE, labels: { ...SLICE_LABELS } },
      addressType: "IPv4",
      endpoints: [],
      ports: [],
    },
  ];
}
