/**
 * What the endpoints controllers read from a pod, as Kubernetes' endpoints and EndpointSlice
 * controllers read it (pkg/controller/util/endpoint, pkg/api/v1/pod FindPort). Pure.
 */
import { isIPv6 } from "node:net";
import type { EndpointPort, ObjectReference, Pod, PodCondition, Service } from "../../api/types.ts";
import { type LabelSelector, matchesLabels, selectorFromMap } from "../../machinery/labels.ts";

/**
 * Whether the controller manages endpoints for this Service: it has a non-empty selector and is
 * not ExternalName. Selector-less services keep whatever Endpoints a user wrote by hand.
 */
export function managesEndpoints(service: Service): boolean {
  const selector = service.spec.selector;
  return service.spec.type !== "ExternalName" && selector !== undefined && Object.keys(selector).length > 0;
}

/**
 * The pods in the Service's namespace that its selector matches. `selector` is the Service's
 * selector already parsed (the controller keeps one per Service until it changes); parsed here
 * when absent.
 */
export function selectedPods(service: Service, pods: readonly Pod[], selector?: LabelSelector): Pod[] {
  if (!managesEndpoints(service)) return [];
  selector ??= selectorFromMap(service.spec.selector ?? {});
  return pods.filter(
    (p) => p.metadata.namespace === service.metadata.namespace && matchesLabels(selector, p.metadata.labels),
  );
}

/** Condition Ready=True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Deletion has begun (graceful termination). */
export function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== "";
}

/** Pods that finished (Succeeded/Failed) never serve again, so Kubernetes leaves them out. */
export function isFinished(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** The address family of an IP literal. */
export function ipFamily(ip: string): "IPv4" | "IPv6" {
  return isIPv6(ip) ? "IPv6" : "IPv4";
}

/** `spec.hostname`, but only when `spec.subdomain` names this Service (Kubernetes' rule for DNS hostnames). */
export function endpointHostname(service: Service, pod: Pod): string | undefined {
  const { hostname, subdomain } = pod.spec;
  if (hostname && subdomain === service.metadata.name && pod.metadata.namespace === service.metadata.namespace)
    return hostname;
  return undefined;
}

/** The `targetRef` pointing at the pod. */
export function podRef(pod: Pod): ObjectReference {
  const ref: ObjectReference = { kind: "Pod" };
  if (pod.metadata.namespace !== undefined) ref.namespace = pod.metadata.namespace;
  if (pod.metadata.name !== undefined) ref.name = pod.metadata.name;
  if (pod.metadata.uid !== undefined) ref.uid = pod.metadata.uid;
  return ref;
}

/**
 * The Service's ports resolved against one pod: a numeric target port as is, a named one looked
 * up among the pod's container ports with the same protocol. A port the pod cannot resolve is
 * left out (Kubernetes FindPort), so the pod is absent from that port's subset.
 */
export function resolvePorts(service: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of service.spec.ports ?? []) {
    const protocol = sp.protocol ?? "TCP";
    const target = sp.targetPort ?? sp.port;
    let port: number | undefined;
    if (typeof target === "number") port = target;
    else if (/^\d+$/.test(target)) port = Number(target);
    else {
      for (const c of pod.spec.containers ?? []) {
        const cp = c.ports?.find((p) => p.name === target && (p.protocol ?? "TCP") === protocol);
        if (cp) {
          port = cp.containerPort;
          break;
        }
      }
    }
    if (port === undefined) continue;
    const ep: EndpointPort = { port, protocol };
    if (sp.name) ep.name = sp.name;
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** A stable text key of a port list, to group pods that resolve to the same ports. */
export function portsKey(ports: readonly EndpointPort[]): string {
  return JSON.stringify(ports.map((p) => [p.name ?? "", p.port, p.protocol ?? "TCP", p.appProtocol ?? ""]));
}

/** The Ready condition as the controllers read it (type and status): two shared values for every pod. */
const READY: PodCondition[] = Object.freeze([Object.freeze({ type: "Ready", status: "True" })]) as never;
const NOT_READY: PodCondition[] = Object.freeze([Object.freeze({ type: "Ready", status: "False" })]) as never;

/**
 * Container port lists by their JSON: the pods of one workload share one copy. Bounded, so a
 * cluster of all-different port lists costs no more than keeping each pod's own.
 */
const containersByPorts = new Map<string, Pod["spec"]["containers"]>();
const MAX_SHARED_CONTAINERS = 10_000;
const NO_CONTAINERS: Pod["spec"]["containers"] = Object.freeze([]) as never;

function sharedContainers(containers: Pod["spec"]["containers"] | undefined): Pod["spec"]["containers"] {
  // resolvePorts reads only the ports (by name and protocol) of each container.
  const slim: Pod["spec"]["containers"] = [];
  for (const c of containers ?? []) if (c.ports?.length) slim.push({ name: c.name, ports: c.ports });
  if (slim.length === 0) return NO_CONTAINERS;
  const key = JSON.stringify(slim);
  const found = containersByPorts.get(key);
  if (found) return found;
  if (containersByPorts.size < MAX_SHARED_CONTAINERS) containersByPorts.set(key, slim);
  return slim;
}

/**
 * The part of a pod the endpoints controllers read (what the informer caches): identity, labels,
 * deletion, hostname and subdomain, node, container ports, phase, IPs and the Ready condition.
 * Images, env, volumes, managedFields and the rest stay out of memory (100,000 pods' worth); what
 * many pods hold alike (the Ready condition, a workload's container ports) is one shared value, and
 * `podIPs` is dropped when it only repeats `podIP`. Cached values are never changed in place.
 */
export function slimPod(pod: Pod): Pod {
  const m = pod.metadata;
  const metadata: Pod["metadata"] = {};
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  if (m.name !== undefined) metadata.name = m.name;
  if (m.uid !== undefined) metadata.uid = m.uid;
  if (m.resourceVersion !== undefined) metadata.resourceVersion = m.resourceVersion;
  if (m.labels !== undefined) metadata.labels = m.labels;
  if (m.deletionTimestamp !== undefined) metadata.deletionTimestamp = m.deletionTimestamp;
  const s = pod.spec ?? { containers: [] };
  const spec: Pod["spec"] = { containers: sharedContainers(s.containers) };
  if (s.hostname !== undefined) spec.hostname = s.hostname;
  if (s.subdomain !== undefined) spec.subdomain = s.subdomain;
  if (s.nodeName !== undefined) spec.nodeName = s.nodeName;
  const slim: Pod = { apiVersion: pod.apiVersion, kind: pod.kind, metadata, spec };
  const st = pod.status;
  if (st) {
    const status: NonNullable<Pod["status"]> = {};
    if (st.phase !== undefined) status.phase = st.phase;
    if (st.podIP !== undefined) status.podIP = st.podIP;
    const ips = st.podIPs;
    if (ips !== undefined && !(ips.length === 1 && ips[0]?.ip === st.podIP)) status.podIPs = ips;
    const ready = st.conditions?.filter((c) => c.type === "Ready");
    if (ready?.length === 1 && ready[0]?.status === "True") status.conditions = READY;
    else if (ready?.length === 1 && ready[0]?.status === "False") status.conditions = NOT_READY;
    else if (ready?.length) status.conditions = ready;
    slim.status = status;
  }
  return slim;
}
