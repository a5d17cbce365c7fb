/**
 * Ingress and IngressClass validation (Kubernetes pkg/apis/networking/validation, narrowed to what
 * kdns serves). Hosts and paths reach nginx.conf, so they follow DNSRecord's allow-list (hosts are
 * lowercase DNS-1123 subdomains, optionally with a leading `*.` wildcard label as Kubernetes
 * allows; paths use only `[A-Za-z0-9._~/-]`), whatever the pathType: the lesson of the
 * ingress-nginx injection CVEs, whose `ImplementationSpecific` paths were pasted into regexes.
 */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1035Label, isDNS1123Subdomain, isValidPortName } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { hostErrors, pathErrors } from "./dns-record.ts";
import { forbidden, invalidValue, notSupported, requiredValue } from "./field-errors.ts";
import { isRecord, prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";
import { validatePortNumber } from "./ports.ts";

const PATH_TYPES = ["Exact", "Prefix", "ImplementationSpecific"];

/** Messages for an Ingress host: a DNS-1123 subdomain, or `*.` followed by one. */
export function ingressHostErrors(host: string): string[] {
  if (host.startsWith("*.")) {
    const rest = host.slice(2);
    return hostErrors(rest).map((e) => `a wildcard host is '*.' followed by a DNS name, which ${e}`);
  }
  if (host.includes("*")) return ["a wildcard may only be the whole first label ('*.example.com')"];
  return hostErrors(host);
}

function validateBackend(b: unknown, at: string): StatusCause[] {
  if (!isRecord(b)) return invalidValue(at, b, "must be an object");
  const service = b["service"];
  const resource = b["resource"];
  if (service !== undefined && resource !== undefined)
    return [forbidden(at, "cannot set both service and resource backends")];
  if (resource !== undefined) {
    if (!isRecord(resource) || typeof resource["kind"] !== "string" || typeof resource["name"] !== "string")
      return invalidValue(`${at}.resource`, resource, "must have a kind and a name");
    return [];
  }
  if (!isRecord(service)) return [requiredValue(`${at}.service`, "a service backend is required")];
  const causes: StatusCause[] = [];
  const name = service["name"];
  if (name === undefined || name === "") causes.push(requiredValue(`${at}.service.name`));
  else
    causes.push(
      ...invalidValue(
        `${at}.service.name`,
        name,
        ...(typeof name === "string" ? isDNS1035Label(name) : ["must be a string"]),
      ),
    );
  const port = service["port"];
  if (!isRecord(port)) return [...causes, requiredValue(`${at}.service.port`)];
  const number = port["number"];
  const portName = port["name"];
  const hasNumber = number !== undefined && number !== 0;
  const hasName = portName !== undefined && portName !== "";
  if (hasNumber && hasName) causes.push(forbidden(`${at}.service.port`, "cannot set both port name & port number"));
  else if (hasNumber) causes.push(...validatePortNumber(number, `${at}.service.port.number`));
  else if (hasName)
    causes.push(
      ...invalidValue(
        `${at}.service.port.name`,
        portName,
        ...(typeof portName === "string" ? isValidPortName(portName) : ["must be a string"]),
      ),
    );
  else causes.push(requiredValue(`${at}.service.port`, "port name or number is required"));
  return causes;
}

function validatePaths(paths: unknown, at: string): StatusCause[] {
  if (!Array.isArray(paths) || paths.length === 0) return [requiredValue(at, "at least one path is required")];
  const causes: StatusCause[] = [];
  paths.forEach((p: unknown, i) => {
    const pat = `${at}[${i}]`;
    if (!isRecord(p)) {
      causes.push(...invalidValue(pat, p, "must be an object"));
      return;
    }
    const type = p["pathType"];
    if (type === undefined || type === "") causes.push(requiredValue(`${pat}.pathType`, "pathType must be specified"));
    else if (typeof type !== "string" || !PATH_TYPES.includes(type))
      causes.push(notSupported(`${pat}.pathType`, type, PATH_TYPES));
    const path = p["path"];
    if (path === undefined || path === "") causes.push(requiredValue(`${pat}.path`, "must be an absolute path"));
    else if (typeof path !== "string") causes.push(...invalidValue(`${pat}.path`, path, "must be a string"));
    else causes.push(...invalidValue(`${pat}.path`, path, ...pathErrors(path)));
    causes.push(...validateBackend(p["backend"], `${pat}.backend`));
  });
  return causes;
}

function validateTLS(tls: unknown): StatusCause[] {
  if (tls === undefined || tls === null) return [];
  if (!Array.isArray(tls)) return invalidValue("spec.tls", tls, "must be a list");
  const causes: StatusCause[] = [];
  tls.forEach((t: unknown, i) => {
    const at = `spec.tls[${i}]`;
    if (!isRecord(t)) {
      causes.push(...invalidValue(at, t, "must be an object"));
      return;
    }
    const hosts = t["hosts"];
    if (hosts !== undefined && hosts !== null) {
      if (!Array.isArray(hosts)) causes.push(...invalidValue(`${at}.hosts`, hosts, "must be a list of hosts"));
      else
        hosts.forEach((h: unknown, j) => {
          const why = typeof h === "string" ? ingressHostErrors(h) : ["must be a string"];
          causes.push(...invalidValue(`${at}.hosts[${j}]`, h, ...why));
        });
    }
    const secret = t["secretName"];
    if (secret !== undefined && secret !== "")
      causes.push(
        ...invalidValue(
          `${at}.secretName`,
          secret,
          ...(typeof secret === "string" ? isDNS1123Subdomain(secret) : ["must be a string"]),
        ),
      );
  });
  return causes;
}

/** Validates an Ingress. */
export function validateIngress(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const spec = prop(obj, "spec");
  if (spec === undefined) return [...causes, requiredValue("spec")];
  if (!isRecord(spec)) return [...causes, ...invalidValue("spec", spec, "must be an object")];
  const className = spec["ingressClassName"];
  if (className !== undefined && className !== null)
    causes.push(
      ...invalidValue(
        "spec.ingressClassName",
        className,
        ...(typeof className === "string" ? isDNS1123Subdomain(className) : ["must be a string"]),
      ),
    );
  const rules = spec["rules"];
  const defaultBackend = spec["defaultBackend"];
  if (defaultBackend !== undefined && defaultBackend !== null)
    causes.push(...validateBackend(defaultBackend, "spec.defaultBackend"));
  if ((rules === undefined || rules === null || (Array.isArray(rules) && rules.length === 0)) && !defaultBackend)
    causes.push(invalidOmittedRules());
  if (rules !== undefined && rules !== null) {
    if (!Array.isArray(rules)) causes.push(...invalidValue("spec.rules", rules, "must be a list of rules"));
    else
      rules.forEach((r: unknown, i) => {
        const at = `spec.rules[${i}]`;
        if (!isRecord(r)) {
          causes.push(...invalidValue(at, r, "must be an object"));
          return;
        }
        const host = r["host"];
        if (host !== undefined && host !== "")
          causes.push(
            ...invalidValue(
              `${at}.host`,
              host,
              ...(typeof host === "string" ? ingressHostErrors(host) : ["must be a string"]),
            ),
          );
        const http = r["http"];
        if (http !== undefined && http !== null) {
          if (!isRecord(http)) causes.push(...invalidValue(`${at}.http`, http, "must be an object"));
          else causes.push(...validatePaths(http["paths"], `${at}.http.paths`));
        }
      });
  }
  causes.push(...validateTLS(spec["tls"]));
  return causes;
}

function invalidOmittedRules(): StatusCause {
  return requiredValue("spec", "either `defaultBackend` or `rules` must be specified");
}

/** Validates an IngressClass: `spec.controller` is a domain-prefixed path, and immutable. */
export function validateIngressClass(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: false });
  const spec = prop(obj, "spec");
  const controller = prop(spec, "controller");
  if (controller === undefined || controller === "") causes.push(requiredValue("spec.controller"));
  else if (typeof controller !== "string")
    causes.push(...invalidValue("spec.controller", controller, "must be a string"));
  else {
    const slash = controller.indexOf("/");
    const domain = slash < 0 ? "" : controller.slice(0, slash);
    const path = slash < 0 ? "" : controller.slice(slash + 1);
    if (controller.length > 250)
      causes.push(...invalidValue("spec.controller", controller, "must be no more than 250 characters"));
    else if (domain === "" || isDNS1123Subdomain(domain).length > 0 || !/^[A-Za-z0-9/._~-]+$/.test(path))
      causes.push(
        ...invalidValue("spec.controller", controller, "must be a domain-prefixed path (such as 'acme.io/foo')"),
      );
  }
  const oldController = prop(prop(old, "spec"), "controller");
  if (old !== undefined && oldController !== controller)
    causes.push(...invalidValue("spec.controller", controller, "field is immutable"));
  return causes;
}
