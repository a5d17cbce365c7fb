/**
 * What DNS keeps of each API object: only the fields answering needs (CoreDNS strips objects the
 * same way before caching them), so 10,000 services and 100,000 pods fit in little memory.
 */
import type { Endpoints, KubeObject, Pod, Service } from "../../../api/types.ts";
import { canonicalIP } from "./names.ts";

/** A port as DNS publishes it in SRV records. */
export interface PortInfo {
  name: string;
  protocol: string;
  port: number;
}

/** A Service, stripped. */
export interface ServiceInfo {
  namespace: string;
  name: string;
  kind: "cluster-ip" | "headless" | "external-name";
  clusterIPs: string[];
  externalName: string;
  ports: PortInfo[];
}

/** One ready endpoint address. */
export interface EndpointInfo {
  ip: string;
  hostname: string;
}

/** An Endpoints object, stripped to its ready addresses grouped with their ports. */
export interface EndpointsInfo {
  namespace: string;
  name: string;
  subsets: { addresses: EndpointInfo[]; ports: PortInfo[] }[];
}

/** A Pod, stripped to its IPs, comma-separated: one string per pod rather than an array of them. */
export type PodInfo = string;

/** The stripped objects travel through the informer cache as KubeObjects with one extra field. */
export type Stripped<T> = KubeObject & { dns: T };

/** One string per namespace name, shared by every object in it (JSON parsing makes a new one each time). */
const namespaces = new Map<string, string>();

function intern(namespace: string): string {
  let shared = namespaces.get(namespace);
  if (shared === undefined) namespaces.set(namespace, (shared = namespace));
  return shared;
}

function meta(obj: KubeObject): KubeObject["metadata"] {
  // All three fields at once, so the object keeps them in-object (no property array).
  return { name: obj.metadata.name ?? "", namespace: intern(obj.metadata.namespace ?? ""), resourceVersion: obj.metadata.resourceVersion ?? "" };
}

/** A Service or Endpoints port as SRV records name it: protocol lower-cased, TCP by default. */
function portInfo(p: { name?: string; protocol?: string; port: number }): PortInfo {
  return { name: p.name ?? "", protocol: (p.protocol ?? "TCP").toLowerCase(), port: p.port };
}

/** Strips a Service. */
export function stripService(obj: KubeObject): Stripped<ServiceInfo> {
  const svc = obj as Service;
  const spec = svc.spec ?? {};
  const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip && ip !== "None");
  const kind = spec.type === "ExternalName" ? "external-name" : spec.clusterIP === "None" || ips.length === 0 ? "headless" : "cluster-ip";
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(obj),
    dns: {
      namespace: obj.metadata.namespace ?? "",
      name: obj.metadata.name ?? "",
      kind,
      clusterIPs: ips.map(canonicalIP),
      externalName: (spec.externalName ?? "").toLowerCase().replace(/\.$/, ""),
      ports: (spec.ports ?? []).map(portInfo),
    },
  };
}

/** Strips an Endpoints object (ready addresses only: spec 1.1.0 §2.4 serves ready endpoints). */
export function stripEndpoints(obj: KubeObject): Stripped<EndpointsInfo> {
  const ep = obj as Endpoints;
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: meta(obj),
    dns: {
      namespace: obj.metadata.namespace ?? "",
      name: obj.metadata.name ?? "",
      subsets: (ep.subsets ?? []).map((s) => ({
        addresses: (s.addresses ?? []).map((a) => ({ ip: canonicalIP(a.ip), hostname: (a.hostname ?? "").toLowerCase() })),
        ports: (s.ports ?? []).map(portInfo),
      })),
    },
  };
}

/** Strips a Pod to its IPs. */
export function stripPod(obj: KubeObject): Stripped<PodInfo> {
  const pod = obj as Pod;
  const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  return { apiVersion: "v1", kind: "Pod", metadata: meta(obj), dns: ips.map(canonicalIP).join(",") };
}
