/**
 * The records one Service (with its Endpoints) contributes to the cluster zone, per the Kubernetes
 * DNS specification 1.1.0 §2.3–2.5, with CoreDNS's SRV weights (plugin/backend_lookup.go).
 */
import { isIP } from "node:net";
import type { RecordData } from "../../wire/records.ts";
import type { EndpointsInfo, PortInfo, ServiceInfo } from "./model.ts";
import { dashedIP, reverseName } from "./names.ts";

/** A record with its owner name. */
export interface NamedRecord {
  name: string;
  data: RecordData;
}

function addressRecord(name: string, ip: string): NamedRecord {
  return { name, data: { type: isIP(ip) === 6 ? "AAAA" : "A", address: ip } };
}

/** CoreDNS gives each SRV record 100 / (records of that name) as weight, at least 1. */
function weight(count: number): number {
  return Math.max(1, Math.floor(100 / count));
}

/** SRV records for `name`, one per distinct (target, port), weighted over all `entries`. */
function srvRecords(name: string, entries: { target: string; port: number }[]): NamedRecord[] {
  const w = weight(entries.length);
  const seen = new Set<string>();
  const out: NamedRecord[] = [];
  for (const e of entries) {
    const key = `${e.target} ${e.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name, data: { type: "SRV", priority: 0, weight: w, port: e.port, target: e.target } });
  }
  return out;
}

function portName(p: PortInfo): string {
  return `_${p.name}._${p.protocol}`;
}

/** Every record a Service contributes, given its (possibly missing) Endpoints. */
export function serviceRecords(svc: ServiceInfo, eps: EndpointsInfo | undefined, zone: string): NamedRecord[] {
  const base = `${svc.name}.${svc.namespace}.svc.${zone}`;
  if (svc.kind === "external-name") {
    return svc.externalName ? [{ name: base, data: { type: "CNAME", target: svc.externalName } }] : [];
  }
  if (svc.kind === "cluster-ip") return clusterIPRecords(svc, base);
  return headlessRecords(svc, eps, base);
}

function clusterIPRecords(svc: ServiceInfo, base: string): NamedRecord[] {
  const out: NamedRecord[] = svc.clusterIPs.map((ip) => addressRecord(base, ip));
  const all: { target: string; port: number }[] = [];
  for (const p of svc.ports) {
    const entries = svc.clusterIPs.map(() => ({ target: base, port: p.port }));
    all.push(...entries);
    if (p.name) out.push(...srvRecords(`${portName(p)}.${base}`, entries));
  }
  out.push(...srvRecords(base, all));
  for (const ip of svc.clusterIPs) {
    const ptr = reverseName(ip);
    if (ptr) out.push({ name: ptr, data: { type: "PTR", target: base } });
  }
  return out;
}

function headlessRecords(_svc: ServiceInfo, eps: EndpointsInfo | undefined, base: string): NamedRecord[] {
  const out: NamedRecord[] = [];
  const baseIPs = new Set<string>();
  const hostIPs = new Set<string>();
  const byPort = new Map<string, { port: PortInfo; entries: { target: string; port: number }[] }>();
  const all: { target: string; port: number }[] = [];
  for (const subset of eps?.subsets ?? []) {
    for (const addr of subset.addresses) {
      const host = `${addr.hostname || dashedIP(addr.ip)}.${base}`;
      if (!baseIPs.has(addr.ip)) {
        baseIPs.add(addr.ip);
        out.push(addressRecord(base, addr.ip));
      }
      if (!hostIPs.has(`${host} ${addr.ip}`)) {
        hostIPs.add(`${host} ${addr.ip}`);
        out.push(addressRecord(host, addr.ip));
        const ptr = reverseName(addr.ip);
        if (ptr) out.push({ name: ptr, data: { type: "PTR", target: host } });
      }
      for (const p of subset.ports) {
        all.push({ target: host, port: p.port });
        if (!p.name) continue;
        const key = portName(p);
        const group = byPort.get(key) ?? { port: p, entries: [] };
        group.entries.push({ target: host, port: p.port });
        byPort.set(key, group);
      }
    }
  }
  for (const [key, group] of byPort) out.push(...srvRecords(`${key}.${base}`, group.entries));
  out.push(...srvRecords(base, all));
  return out;
}
