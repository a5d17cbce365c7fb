/** Service validation (Kubernetes pkg/apis/core/validation ValidateService, narrowed to what kdns serves). */
import { isIP } from "node:net";
import type { StatusCause } from "../../machinery/status.ts";
import {
  isDNS1035Label,
  isDNS1123Subdomain,
  isValidIP,
  isValidPortName,
  isValidPortNum,
} from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { duplicateValue, forbidden, invalidValue, notSupported, requiredValue } from "./field-errors.ts";
import { isRecord, prop } from "./guards.ts";
import { validateLabels, validateObjectMeta } from "./metadata.ts";
import { validateListedPortName, validatePortNumber, validateProtocol } from "./ports.ts";

const TYPES = ["ClusterIP", "ExternalName"] as const;
const UNSUPPORTED_TYPES = ["NodePort", "LoadBalancer"];
const FAMILIES = ["IPv4", "IPv6"];
const POLICIES = ["SingleStack", "PreferDualStack", "RequireDualStack"];
const AFFINITIES = ["ClientIP", "None"];

function validateTargetPort(value: unknown, field: string): StatusCause[] {
  if (value === undefined) return [];
  if (typeof value === "number") return invalidValue(field, value, ...isValidPortNum(value));
  if (typeof value === "string") return invalidValue(field, value, ...isValidPortName(value));
  return invalidValue(field, value, "must be an integer port or a port name");
}

function validatePorts(ports: unknown, field: string): StatusCause[] {
  if (ports === undefined || ports === null) return [];
  if (!Array.isArray(ports)) return invalidValue(field, ports, "must be a list of ports");
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  const portProto = new Set<string>();
  ports.forEach((p: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isRecord(p)) {
      causes.push(...invalidValue(at, p, "must be an object"));
      return;
    }
    // Service port names are DNS-1123 labels (up to 63); only target ports use IANA_SVC_NAME.
    causes.push(...validateListedPortName(p["name"], `${at}.name`, ports.length > 1, names));
    causes.push(...validatePortNumber(p["port"], `${at}.port`));
    causes.push(...validateProtocol(p["protocol"], `${at}.protocol`));
    causes.push(...validateTargetPort(p["targetPort"], `${at}.targetPort`));
    if (p["nodePort"] !== undefined && p["nodePort"] !== 0)
      causes.push(forbidden(`${at}.nodePort`, "not supported by kdns"));
    const key = `${String(p["port"])}/${String(p["protocol"] ?? "TCP")}`;
    if (portProto.has(key)) causes.push(duplicateValue(at, { port: p["port"], protocol: p["protocol"] ?? "TCP" }));
    portProto.add(key);
  });
  return causes;
}

function familyOf(ip: string): string | undefined {
  const v = isIP(ip);
  return v === 4 ? "IPv4" : v === 6 ? "IPv6" : undefined;
}

function validateClusterIPs(spec: Record<string, unknown>, type: unknown): StatusCause[] {
  const causes: StatusCause[] = [];
  const clusterIP = spec["clusterIP"];
  const clusterIPs = spec["clusterIPs"];
  if (clusterIP !== undefined && clusterIP !== "" && clusterIP !== "None") {
    if (typeof clusterIP !== "string") causes.push(...invalidValue("spec.clusterIP", clusterIP, "must be a string"));
    else causes.push(...invalidValue("spec.clusterIP", clusterIP, ...isValidIP(clusterIP)));
  }
  if (type === "ExternalName" && clusterIP !== undefined && clusterIP !== "") {
    causes.push(forbidden("spec.clusterIP", "may not be set for ExternalName services"));
  }
  if (clusterIPs === undefined || clusterIPs === null) return causes;
  if (!Array.isArray(clusterIPs))
    return [...causes, ...invalidValue("spec.clusterIPs", clusterIPs, "must be a list of IP addresses")];
  if (clusterIPs.length > 0 && clusterIPs[0] !== (clusterIP ?? "")) {
    causes.push(...invalidValue("spec.clusterIPs[0]", clusterIPs[0], "must match `clusterIP`"));
  }
  if (clusterIPs.length > 2)
    causes.push(...invalidValue("spec.clusterIPs", clusterIPs, "may specify no more than two IPs"));
  clusterIPs.forEach((ip: unknown, i) => {
    const at = `spec.clusterIPs[${i}]`;
    if (i === 0 && ip === clusterIP && ip !== "None") return; // already checked as spec.clusterIP
    if (ip === "None") {
      if (i > 0 || clusterIPs.length > 1) causes.push(...invalidValue(at, ip, "'None' must be the only value"));
    } else if (typeof ip !== "string") causes.push(...invalidValue(at, ip, "must be a string"));
    else causes.push(...invalidValue(at, ip, ...isValidIP(ip)));
  });
  if (clusterIPs.length === 2 && typeof clusterIPs[0] === "string" && typeof clusterIPs[1] === "string") {
    const a = familyOf(clusterIPs[0]);
    if (a !== undefined && a === familyOf(clusterIPs[1])) {
      causes.push(...invalidValue("spec.clusterIPs", clusterIPs, "may specify no more than one IP for each IP family"));
    }
  }
  return causes;
}

function validateFamilies(spec: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  const fams = spec["ipFamilies"];
  if (fams !== undefined && fams !== null) {
    if (!Array.isArray(fams)) return invalidValue("spec.ipFamilies", fams, "must be a list");
    if (fams.length > 2)
      causes.push(...invalidValue("spec.ipFamilies", fams, "may specify no more than two IP families"));
    const seen = new Set<unknown>();
    const ips = Array.isArray(spec["clusterIPs"]) ? (spec["clusterIPs"] as unknown[]) : [];
    fams.forEach((f: unknown, i) => {
      const at = `spec.ipFamilies[${i}]`;
      if (typeof f !== "string" || !FAMILIES.includes(f)) causes.push(notSupported(at, f, FAMILIES));
      else if (seen.has(f)) causes.push(duplicateValue(at, f));
      else {
        const ip = ips[i];
        const fam = typeof ip === "string" ? familyOf(ip) : undefined;
        if (fam !== undefined && fam !== f)
          causes.push(...invalidValue(at, f, `must match the family of clusterIPs[${i}] (${fam})`));
      }
      seen.add(f);
    });
  }
  const policy = spec["ipFamilyPolicy"];
  if (policy !== undefined && policy !== null && (typeof policy !== "string" || !POLICIES.includes(policy))) {
    causes.push(notSupported("spec.ipFamilyPolicy", policy, POLICIES));
  }
  return causes;
}

function validateUpdate(spec: Record<string, unknown>, old: KubeObject): StatusCause[] {
  const oldSpec = prop(old, "spec");
  const oldIP = prop(oldSpec, "clusterIP");
  const newIP = spec["clusterIP"];
  // Kubernetes lets clusterIP be set once; it is released only by turning the Service into an ExternalName.
  if (typeof oldIP !== "string" || oldIP === "" || oldIP === newIP) return [];
  if (spec["type"] === "ExternalName" && prop(oldSpec, "type") !== "ExternalName") return [];
  return invalidValue("spec.clusterIP", newIP ?? "", "field is immutable");
}

/** Validates a Service; on update (`old` set) `spec.clusterIP` may only go from empty to set. */
export function validateService(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1035Label, namespaced: true });
  const spec = prop(obj, "spec");
  if (!isRecord(spec)) return [...causes, requiredValue("spec")];
  const type = spec["type"] ?? "ClusterIP";
  if (typeof type === "string" && UNSUPPORTED_TYPES.includes(type))
    causes.push(notSupported("spec.type", type, TYPES, "not supported by kdns"));
  else if (typeof type !== "string" || !(TYPES as readonly string[]).includes(type))
    causes.push(notSupported("spec.type", type, TYPES));
  if (type === "ExternalName") {
    const ext = spec["externalName"];
    if (ext === undefined || ext === "") causes.push(requiredValue("spec.externalName"));
    else if (typeof ext !== "string") causes.push(...invalidValue("spec.externalName", ext, "must be a string"));
    else
      causes.push(
        ...invalidValue("spec.externalName", ext, ...isDNS1123Subdomain(ext.endsWith(".") ? ext.slice(0, -1) : ext)),
      );
  } else {
    const ports = spec["ports"];
    const headless = spec["clusterIP"] === "None";
    if (!headless && (ports === undefined || ports === null || (Array.isArray(ports) && ports.length === 0))) {
      causes.push(requiredValue("spec.ports"));
    }
  }
  causes.push(...validatePorts(spec["ports"], "spec.ports"));
  causes.push(...validateClusterIPs(spec, type));
  causes.push(...validateFamilies(spec));
  causes.push(...validateLabels(spec["selector"], "spec.selector"));
  const aff = spec["sessionAffinity"];
  if (aff !== undefined && (typeof aff !== "string" || !AFFINITIES.includes(aff)))
    causes.push(notSupported("spec.sessionAffinity", aff, AFFINITIES));
  if (old !== undefined) causes.push(...validateUpdate(spec, old));
  return causes;
}
