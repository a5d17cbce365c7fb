/**
 * What DNS keeps of each API object: only the fields answering needs (CoreDNS strips objects the
 * same way before caching them), so 10,000 services and 100,000 pods fit in little memory.
 */

import { podIPs } from "../../../api/pod-ips.ts";
import type { Endpoints, KubeObject, Pod, Service } from "../../../api/types.ts";
import { canonicalIP } from "./names.ts";
import { type PodInfo, podInfo } from "./pod-addresses.ts";

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

/** One string per namespace name, shared by every object in it (JSON parsing makes a new one each time). */
const namespaces = new Map<string, string>();

function intern(namespace: string): string {
  let shared = namespaces.get(namespace);
  if (shared === undefined) namespaces.set(namespace, (shared = namespace));
  return shared;
}

/** A Service or Endpoints port as SRV records name it: protocol lower-cased, TCP by default. */
function portInfo(p: { name?: string; protocol?: string; port: number }): PortInfo {
  return { name: p.name ?? "", protocol: (p.protocol ?? "TCP").toLowerCase(), port: p.port };
}

/** Whether two stripped values are equal (the informer's `same`: no update when nothing DNS uses changed). */
export function sameInfo(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Strips a Service. */
export function stripService(obj: KubeObject): ServiceInfo {
  const svc = obj as Service;
  const spec = svc.spec ?? {};
  const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter(
    (ip) => ip && ip !== "None",
  );
  const kind =
    spec.type === "ExternalName"
      ? "external-name"
      : spec.clusterIP === "None" || ips.length === 0
        ? "headless"
        : "cluster-ip";
  return {
    namespace: intern(obj.metadata.namespace ?? ""),
    name: obj.metadata.name ?? "",
    kind,
    clusterIPs: ips.map(canonicalIP),
    externalName: (spec.externalName ?? "").toLowerCase().replace(/\.$/, ""),
    ports: (spec.ports ?? []).map(portInfo),
  };
}

/** Strips an Endpoints object (ready addresses only: spec 1.1.0 §2.4 serves ready endpoints). */
export function stripEndpoints(obj: KubeObject): EndpointsInfo {
  const ep = obj as Endpoints;
  return {
    namespace: intern(obj.metadata.namespace ?? ""),
    name: obj.metadata.name ?? "",
    subsets: (ep.subsets ?? []).map((s) => ({
      addresses: (s.addresses ?? []).map((a) => ({
        ip: canonicalIP(a.ip),
        hostname: (a.hostname ?? "").toLowerCase(),
      })),
      ports: (s.ports ?? []).map(portInfo),
    })),
  };
}

/** Strips a Pod to its IPs. */
export function stripPod(obj: KubeObject): PodInfo {
  return podInfo(podIPs(obj as Pod).map(canonicalIP));
}
