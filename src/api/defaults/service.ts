/**
 * Service defaults (Kubernetes pkg/apis/core/v1 defaults.go SetDefaults_Service). Cluster IP
 * allocation is the API server's job; this only mirrors an IP the object already carries.
 */
import { isIP } from "node:net";
import type { KubeObject } from "../types.ts";
import { isRecord } from "../validation/guards.ts";
import { defaultProtocols } from "./ports.ts";

function familyOf(ip: unknown): "IPv4" | "IPv6" | undefined {
  if (typeof ip !== "string") return undefined;
  const v = isIP(ip);
  return v === 4 ? "IPv4" : v === 6 ? "IPv6" : undefined;
}

/** Defaults a Service in place; never throws, whatever the input holds. */
export function defaultService(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isRecord(spec)) return;
  if (spec["type"] === undefined) spec["type"] = "ClusterIP";
  if (spec["sessionAffinity"] === undefined) spec["sessionAffinity"] = "None";
  const ports = spec["ports"];
  defaultProtocols(ports);
  if (Array.isArray(ports)) {
    for (const p of ports as unknown[]) {
      if (!isRecord(p)) continue;
      const target = p["targetPort"];
      const port = p["port"];
      // Copy only a usable port, so a bad port is reported once (on spec.ports[i].port).
      if (
        (target === undefined || target === 0 || target === "") &&
        Number.isInteger(port) &&
        (port as number) >= 1 &&
        (port as number) <= 65535
      ) {
        p["targetPort"] = port;
      }
    }
  }
  const clusterIP = spec["clusterIP"];
  const clusterIPs = spec["clusterIPs"];
  if (
    typeof clusterIP === "string" &&
    clusterIP !== "" &&
    (clusterIPs === undefined || (Array.isArray(clusterIPs) && clusterIPs.length === 0))
  ) {
    spec["clusterIPs"] = [clusterIP];
  } else if (
    (clusterIP === undefined || clusterIP === "") &&
    Array.isArray(clusterIPs) &&
    typeof clusterIPs[0] === "string"
  ) {
    spec["clusterIP"] = clusterIPs[0];
  }
  const ips = spec["clusterIPs"];
  if (spec["ipFamilies"] === undefined && Array.isArray(ips) && ips.length > 0) {
    const fams = (ips as unknown[]).map(familyOf);
    if (fams.every((f) => f !== undefined) && new Set(fams).size === fams.length) {
      spec["ipFamilies"] = fams;
      if (spec["ipFamilyPolicy"] === undefined)
        spec["ipFamilyPolicy"] = fams.length > 1 ? "PreferDualStack" : "SingleStack";
    }
  }
}
