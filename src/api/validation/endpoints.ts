/** Endpoints and EndpointSlice validation: the addresses and ports DNS answers are built from. */
import { isIP } from "node:net";
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Label, isDNS1123Subdomain, isValidIP } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { invalidValue, notSupported, requiredValue } from "./field-errors.ts";
import { isRecord, prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";
import { validateListedPortName, validatePortNumber, validateProtocol } from "./ports.ts";

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];

function asList(value: unknown, field: string, causes: StatusCause[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  causes.push(...invalidValue(field, value, "must be a list"));
  return [];
}

function optionalHostname(value: unknown, field: string): StatusCause[] {
  if (value === undefined || value === "") return [];
  return invalidValue(field, value, ...(typeof value === "string" ? isDNS1123Label(value) : ["must be a string"]));
}

/** Ports of Endpoints and slices: names are DNS-1123 labels (Kubernetes), unique, required when several. */
function validateEndpointPorts(value: unknown, field: string, portRequired: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const ports = asList(value, field, causes);
  const names = new Set<string>();
  ports.forEach((p: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isRecord(p)) {
      causes.push(...invalidValue(at, p, "must be an object"));
      return;
    }
    causes.push(...validateListedPortName(p["name"], `${at}.name`, portRequired && ports.length > 1, names, true));
    if (portRequired || (p["port"] !== undefined && p["port"] !== null))
      causes.push(...validatePortNumber(p["port"], `${at}.port`));
    causes.push(...validateProtocol(p["protocol"], `${at}.protocol`));
  });
  return causes;
}

/** Validates an Endpoints. */
export function validateEndpoints(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const subsets = asList(prop(obj, "subsets"), "subsets", causes);
  subsets.forEach((s: unknown, i) => {
    const at = `subsets[${i}]`;
    for (const kind of ["addresses", "notReadyAddresses"]) {
      asList(prop(s, kind), `${at}.${kind}`, causes).forEach((a: unknown, j) => {
        const aat = `${at}.${kind}[${j}]`;
        const ip = prop(a, "ip");
        if (ip === undefined || ip === "") causes.push(requiredValue(`${aat}.ip`));
        else
          causes.push(
            ...invalidValue(`${aat}.ip`, ip, ...(typeof ip === "string" ? isValidIP(ip) : ["must be a string"])),
          );
        causes.push(...optionalHostname(prop(a, "hostname"), `${aat}.hostname`));
      });
    }
    causes.push(...validateEndpointPorts(prop(s, "ports"), `${at}.ports`, true));
  });
  return causes;
}

function addressErrors(addr: unknown, type: unknown): string[] {
  if (typeof addr !== "string") return ["must be a string"];
  if (type === "IPv4") return isIP(addr) === 4 ? [] : ["must be a valid IPv4 address"];
  if (type === "IPv6") return isIP(addr) === 6 && !addr.includes("%") ? [] : ["must be a valid IPv6 address"];
  if (type === "FQDN") return isDNS1123Subdomain(addr);
  return [];
}

/** Validates an EndpointSlice: each address must be of the slice's `addressType`. */
export function validateEndpointSlice(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const type = prop(obj, "addressType");
  if (type === undefined || type === "") causes.push(requiredValue("addressType"));
  else if (typeof type !== "string" || !ADDRESS_TYPES.includes(type))
    causes.push(notSupported("addressType", type, ADDRESS_TYPES));
  asList(prop(obj, "endpoints"), "endpoints", causes).forEach((e: unknown, i) => {
    const at = `endpoints[${i}]`;
    const addrs = prop(e, "addresses");
    if (!Array.isArray(addrs) || addrs.length === 0) {
      causes.push(
        addrs === undefined || Array.isArray(addrs)
          ? requiredValue(`${at}.addresses`)
          : invalidValue(`${at}.addresses`, addrs, "must be a list")[0]!,
      );
    } else {
      if (addrs.length > 100)
        causes.push(...invalidValue(`${at}.addresses`, addrs.length, "must have at most 100 items"));
      for (const [j, a] of addrs.entries()) {
        causes.push(...invalidValue(`${at}.addresses[${j}]`, a, ...addressErrors(a, type)));
      }
    }
    causes.push(...optionalHostname(prop(e, "hostname"), `${at}.hostname`));
    const conds = prop(e, "conditions");
    if (conds !== undefined && conds !== null) {
      if (!isRecord(conds)) causes.push(...invalidValue(`${at}.conditions`, conds, "must be an object"));
      else
        for (const k of ["ready", "serving", "terminating"]) {
          const v = conds[k];
          if (v !== undefined && v !== null && typeof v !== "boolean")
            causes.push(...invalidValue(`${at}.conditions.${k}`, v, "must be a boolean"));
        }
    }
  });
  causes.push(...validateEndpointPorts(prop(obj, "ports"), "ports", false));
  return causes;
}
