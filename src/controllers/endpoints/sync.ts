/**
 * Desired state of the endpoints controllers, computed from a Service and the pods (pure). The
 * rules follow Kubernetes' endpoints controller (core/v1 Endpoints) and EndpointSlice
 * controller (discovery.k8s.io/v1); results are sorted so an unchanged input compares equal.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { podIPs } from "../../api/pod-ips.ts";
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSlice,
  EndpointSubset,
  Endpoints,
  Pod,
  Service,
  SliceEndpoint,
} from "../../api/types.ts";
import type { LabelSelector } from "../../machinery/labels.ts";
import {
  endpointHostname,
  ipFamily,
  isFinished,
  isPodReady,
  isTerminating,
  managesEndpoints,
  podRef,
  portsKey,
  resolvePorts,
  selectedPods,
} from "./pods.ts";

/** Label naming the Service a slice belongs to (discovery.k8s.io convention). */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** Label naming who manages a slice. */
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
/** Our value of {@link MANAGED_BY_LABEL}; slices with another value are never touched. */
export const MANAGED_BY = "endpointslice-controller.kdns.dev";
/**
 * Label on the Endpoints this controller writes: only those are ever deleted, so Endpoints a
 * user wrote by hand (for a selector-less Service) are never removed.
 */
export const ENDPOINTS_MANAGED_BY_LABEL = "endpoints.kdns.dev/managed-by";
/** Our value of {@link ENDPOINTS_MANAGED_BY_LABEL}. */
export const ENDPOINTS_MANAGED_BY = "endpoints-controller.kdns.dev";
/** Label Kubernetes puts on the Endpoints/slices of a headless Service. */
export const HEADLESS_LABEL = "service.kubernetes.io/headless";

/**
 * The Endpoints the Service should have, or `undefined` when the controller leaves it alone
 * (ExternalName or no selector). Terminating pods are left out unless the Service publishes
 * not-ready addresses (then every pod is in `addresses`, as for StatefulSet peer discovery).
 * `selector`: the Service's selector already parsed, if the caller keeps one.
 */
export function desiredEndpoints(
  service: Service,
  pods: readonly Pod[],
  selector?: LabelSelector,
): Endpoints | undefined {
  if (!managesEndpoints(service)) return undefined;
  const publishNotReady = service.spec.publishNotReadyAddresses === true;
  const family = serviceFamily(service);
  const needsPorts = (service.spec.ports?.length ?? 0) > 0;
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of selectedPods(service, pods, selector)) {
    if (isFinished(pod) || (isTerminating(pod) && !publishNotReady)) continue;
    const ip = podIPs(pod).find((a) => family === undefined || ipFamily(a) === family);
    if (ip === undefined) continue;
    const ports = resolvePorts(service, pod);
    if (needsPorts && ports.length === 0) continue;
    const address: EndpointAddress = { ip };
    const hostname = endpointHostname(service, pod);
    if (hostname !== undefined) address.hostname = hostname;
    if (pod.spec.nodeName) address.nodeName = pod.spec.nodeName;
    address.targetRef = podRef(pod);
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    (publishNotReady || isPodReady(pod) ? group.ready : group.notReady).push(address);
  }
  const subsets: EndpointSubset[] = [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, g]) => {
      const subset: EndpointSubset = {};
      if (g.ready.length > 0) subset.addresses = g.ready.sort(byAddress);
      if (g.notReady.length > 0) subset.notReadyAddresses = g.notReady.sort(byAddress);
      if (g.ports.length > 0) subset.ports = g.ports;
      return subset;
    });
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: service.metadata.name ?? "",
      namespace: service.metadata.namespace ?? "default",
      labels: { ...serviceLabels(service), [ENDPOINTS_MANAGED_BY_LABEL]: ENDPOINTS_MANAGED_BY },
      ...ownedBy(service),
    },
    subsets,
  };
}

/**
 * The EndpointSlices the Service should have: one per address family present (limited to the
 * Service's `ipFamilies` when set), named `<service>-ipv4` / `<service>-ipv6`; if pods resolve
 * named ports differently, one slice per port set, named `<service>-<family>-<hash of ports>`.
 * Terminating pods stay listed with `terminating: true` and `ready: false`, as Kubernetes does.
 * `selector`: the Service's selector already parsed, if the caller keeps one.
 */
export function desiredEndpointSlices(
  service: Service,
  pods: readonly Pod[],
  selector?: LabelSelector,
): EndpointSlice[] {
  if (!managesEndpoints(service)) return [];
  const publishNotReady = service.spec.publishNotReadyAddresses === true;
  const families = service.spec.ipFamilies?.length ? service.spec.ipFamilies : undefined;
  const needsPorts = (service.spec.ports?.length ?? 0) > 0;
  const groups = new Map<string, { family: "IPv4" | "IPv6"; ports: EndpointPort[]; endpoints: SliceEndpoint[] }>();
  for (const pod of selectedPods(service, pods, selector)) {
    if (isFinished(pod)) continue;
    const ports = resolvePorts(service, pod);
    if (needsPorts && ports.length === 0) continue;
    const terminating = isTerminating(pod);
    const serving = isPodReady(pod);
    const ready = publishNotReady || (serving && !terminating);
    const seen = new Set<string>();
    for (const ip of podIPs(pod)) {
      const family = ipFamily(ip);
      if (seen.has(family) || (families && !families.includes(family))) continue;
      seen.add(family);
      const endpoint: SliceEndpoint = { addresses: [ip], conditions: { ready, serving, terminating } };
      const hostname = endpointHostname(service, pod);
      if (hostname !== undefined) endpoint.hostname = hostname;
      endpoint.targetRef = podRef(pod);
      if (pod.spec.nodeName) endpoint.nodeName = pod.spec.nodeName;
      const key = `${family} ${portsKey(ports)}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { family, ports, endpoints: [] }));
      group.endpoints.push(endpoint);
    }
  }
  const perFamily = new Map<string, number>();
  for (const g of groups.values()) perFamily.set(g.family, (perFamily.get(g.family) ?? 0) + 1);
  const name = service.metadata.name ?? "";
  const labels = { ...serviceLabels(service), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
  return [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, g]) => {
      const base = `${name}-${g.family.toLowerCase()}`;
      const sliceName = perFamily.get(g.family) === 1 ? base : `${base}-${shortHash(portsKey(g.ports))}`;
      const slice: EndpointSlice = {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          name: sliceName,
          namespace: service.metadata.namespace ?? "default",
          labels: { ...labels },
          ...ownedBy(service),
        },
        addressType: g.family,
        endpoints: g.endpoints.sort(
          (a, b) =>
            compare(a.addresses[0] ?? "", b.addresses[0] ?? "") ||
            compare(a.targetRef?.name ?? "", b.targetRef?.name ?? ""),
        ),
        ports: g.ports,
      };
      return slice;
    });
}

/**
 * The owner reference to the Service: the garbage collector deletes what the controller wrote
 * once the Service is gone, and a foreground delete of the Service waits for it.
 */
function ownedBy(service: Service): Pick<Endpoints["metadata"], "ownerReferences"> {
  const uid = service.metadata.uid;
  if (!uid) return {};
  const ref = { apiVersion: "v1", kind: "Service", name: service.metadata.name ?? "", uid };
  return { ownerReferences: [{ ...ref, controller: true, blockOwnerDeletion: true }] };
}

/** The Service's own family for core/v1 Endpoints, which carry one family only. */
function serviceFamily(service: Service): "IPv4" | "IPv6" | undefined {
  const first = service.spec.ipFamilies?.[0];
  if (first) return first;
  const ip = service.spec.clusterIP;
  return ip && isIP(ip) ? ipFamily(ip) : undefined;
}

/** The Service's labels, plus the headless marker Kubernetes adds for `clusterIP: None`. */
function serviceLabels(service: Service): Record<string, string> {
  const labels = { ...service.metadata.labels };
  if (service.spec.clusterIP === "None") labels[HEADLESS_LABEL] = "";
  return labels;
}

function byAddress(a: EndpointAddress, b: EndpointAddress): number {
  return compare(a.ip, b.ip) || compare(a.targetRef?.name ?? "", b.targetRef?.name ?? "");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
