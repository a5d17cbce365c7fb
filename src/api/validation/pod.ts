/** Pod validation: only what kdns reads (names, ports, hostname/subdomain, IPs, readiness). */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { duplicateValue, invalidValue, notSupported, requiredValue } from "./field-errors.ts";
import { isRecord, prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";
import { validatePortName, validatePortNumber, validateProtocol } from "./ports.ts";

const CONDITION_STATUSES = ["False", "True", "Unknown"];

function optionalLabel(value: unknown, field: string): StatusCause[] {
  if (value === undefined || value === "") return [];
  if (typeof value !== "string") return invalidValue(field, value, "must be a string");
  return invalidValue(field, value, ...isDNS1123Label(value));
}

function validateContainers(containers: unknown): StatusCause[] {
  if (!Array.isArray(containers) || containers.length === 0) {
    return containers === undefined || (Array.isArray(containers) && containers.length === 0)
      ? [requiredValue("spec.containers")]
      : invalidValue("spec.containers", containers, "must be a list of containers");
  }
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  // Port names are unique across the whole Pod: a Service's named targetPort must resolve to one port.
  const portNames = new Set<string>();
  containers.forEach((c: unknown, i) => {
    const at = `spec.containers[${i}]`;
    if (!isRecord(c)) {
      causes.push(...invalidValue(at, c, "must be an object"));
      return;
    }
    const name = c["name"];
    if (name === undefined || name === "") causes.push(requiredValue(`${at}.name`));
    else if (typeof name !== "string") causes.push(...invalidValue(`${at}.name`, name, "must be a string"));
    else {
      causes.push(...invalidValue(`${at}.name`, name, ...isDNS1123Label(name)));
      if (names.has(name)) causes.push(duplicateValue(`${at}.name`, name));
      names.add(name);
    }
    const ports = c["ports"];
    if (ports === undefined || ports === null) return;
    if (!Array.isArray(ports)) {
      causes.push(...invalidValue(`${at}.ports`, ports, "must be a list of ports"));
      return;
    }
    ports.forEach((p: unknown, j) => {
      const pat = `${at}.ports[${j}]`;
      if (!isRecord(p)) {
        causes.push(...invalidValue(pat, p, "must be an object"));
        return;
      }
      causes.push(...validatePortNumber(p["containerPort"], `${pat}.containerPort`));
      causes.push(...validateProtocol(p["protocol"], `${pat}.protocol`));
      const hostPort = p["hostPort"];
      if (hostPort !== undefined && hostPort !== 0) {
        causes.push(
          ...invalidValue(
            `${pat}.hostPort`,
            hostPort,
            ...(typeof hostPort === "number" ? isValidPortNum(hostPort) : ["must be a number"]),
          ),
        );
      }
      const pname = p["name"];
      if (pname !== undefined && pname !== "") {
        causes.push(...validatePortName(pname, `${pat}.name`));
        if (typeof pname === "string") {
          if (portNames.has(pname)) causes.push(duplicateValue(`${pat}.name`, pname));
          portNames.add(pname);
        }
      }
    });
  });
  return causes;
}

function validateStatus(status: unknown): StatusCause[] {
  if (status === undefined || status === null) return [];
  if (!isRecord(status)) return invalidValue("status", status, "must be an object");
  const causes: StatusCause[] = [];
  const podIP = status["podIP"];
  if (podIP !== undefined && podIP !== "") {
    causes.push(
      ...invalidValue("status.podIP", podIP, ...(typeof podIP === "string" ? isValidIP(podIP) : ["must be a string"])),
    );
  }
  const podIPs = status["podIPs"];
  if (podIPs !== undefined && podIPs !== null) {
    if (!Array.isArray(podIPs)) causes.push(...invalidValue("status.podIPs", podIPs, "must be a list"));
    else {
      const seen = new Set<unknown>();
      podIPs.forEach((entry: unknown, i) => {
        const ip = prop(entry, "ip");
        const at = `status.podIPs[${i}].ip`;
        if (typeof ip !== "string") causes.push(...invalidValue(at, ip, "must be a valid IP address"));
        else causes.push(...invalidValue(at, ip, ...isValidIP(ip)));
        if (seen.has(ip)) causes.push(duplicateValue(at, ip));
        seen.add(ip);
      });
      const first = prop(podIPs[0], "ip");
      if (podIPs.length > 0 && typeof podIP === "string" && podIP !== "" && first !== podIP) {
        causes.push(...invalidValue("status.podIPs[0].ip", first, "must match status.podIP"));
      }
    }
  }
  const conds = status["conditions"];
  if (conds !== undefined && conds !== null) {
    if (!Array.isArray(conds)) causes.push(...invalidValue("status.conditions", conds, "must be a list"));
    else {
      conds.forEach((c: unknown, i) => {
        const at = `status.conditions[${i}]`;
        const type = prop(c, "type");
        if (typeof type !== "string" || type === "") causes.push(requiredValue(`${at}.type`));
        const st = prop(c, "status");
        if (typeof st !== "string" || !CONDITION_STATUSES.includes(st))
          causes.push(notSupported(`${at}.status`, st, CONDITION_STATUSES));
      });
    }
  }
  return causes;
}

/** Validates a Pod. */
export function validatePod(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const spec = prop(obj, "spec");
  if (!isRecord(spec)) causes.push(requiredValue("spec"));
  else {
    causes.push(...validateContainers(spec["containers"]));
    causes.push(...optionalLabel(spec["hostname"], "spec.hostname"));
    causes.push(...optionalLabel(spec["subdomain"], "spec.subdomain"));
  }
  causes.push(...validateStatus(prop(obj, "status")));
  return causes;
}
