/**
 * Gateway validation, as the upstream CRD's schema and CEL rules state it: a class name, 1-64
 * listeners with unique names and unique port + protocol + hostname, `tls` only (and then in
 * Terminate mode with certificates) for HTTPS and TLS, no hostname for TCP and UDP, route
 * namespaces `All`, `Same` or `Selector` (with a selector), at most 16 addresses.
 */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { duplicateValue, forbidden, invalidValue, notSupported, requiredValue } from "./field-errors.ts";
import {
  checkString,
  eachOf,
  groupErrors,
  hostnameErrors,
  kindErrors,
  objectAt,
  objectNameErrors,
  referenceErrors,
  sectionNameErrors,
} from "./gateway-api-fields.ts";
import { isRecord, prop } from "./guards.ts";
import { validateLabels, validateObjectMeta } from "./metadata.ts";
import { validatePortNumber } from "./ports.ts";

const PROTOCOL_RE =
  /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$/;
const FROM = ["All", "Same", "Selector"];
const TLS_MODES = ["Terminate", "Passthrough"];
const ADDRESS_TYPES_RE =
  /^IPAddress$|^Hostname$|^NamedAddress$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

function protocolErrors(p: string): string[] {
  return p.length <= 255 && PROTOCOL_RE.test(p)
    ? []
    : ["must be a protocol name such as HTTP or HTTPS, or a domain-prefixed one"];
}

function validateTLS(tls: unknown, protocol: unknown, at: string): StatusCause[] {
  if (tls === undefined || tls === null) {
    if (protocol === "HTTPS" || protocol === "TLS")
      return [requiredValue(at, `tls must be set for protocol ${protocol}`)];
    return [];
  }
  if (protocol === "HTTP" || protocol === "TCP" || protocol === "UDP")
    return [forbidden(at, "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']")];
  return objectAt(tls, at, (t) => {
    const causes: StatusCause[] = [];
    const mode = t["mode"] ?? "Terminate";
    if (typeof mode !== "string" || !TLS_MODES.includes(mode)) causes.push(notSupported(`${at}.mode`, mode, TLS_MODES));
    else if (protocol === "HTTPS" && mode !== "Terminate")
      causes.push(...invalidValue(`${at}.mode`, mode, "tls mode must be Terminate for protocol HTTPS"));
    causes.push(
      ...eachOf(t["certificateRefs"], `${at}.certificateRefs`, 64, (v, ref) =>
        objectAt(v, ref, (r) => referenceErrors(r, ref), true),
      ),
    );
    const refs = t["certificateRefs"];
    if (mode === "Terminate" && (!Array.isArray(refs) || refs.length === 0) && t["options"] === undefined)
      causes.push(
        requiredValue(`${at}.certificateRefs`, "certificateRefs or options must be specified when mode is Terminate"),
      );
    return causes;
  });
}

function validateAllowedRoutes(value: unknown, at: string): StatusCause[] {
  return objectAt(value, at, (ar) => [
    ...objectAt(ar["namespaces"], `${at}.namespaces`, (ns) => {
      const from = ns["from"] ?? "Same";
      if (typeof from !== "string" || !FROM.includes(from)) return [notSupported(`${at}.namespaces.from`, from, FROM)];
      if (from !== "Selector") return [];
      return objectAt(
        ns["selector"],
        `${at}.namespaces.selector`,
        (sel) => validateLabels(sel["matchLabels"], `${at}.namespaces.selector.matchLabels`),
        true,
      );
    }),
    ...eachOf(ar["kinds"], `${at}.kinds`, 8, (v, k) =>
      objectAt(
        v,
        k,
        (kind) => [
          ...checkString(kind["group"], `${k}.group`, groupErrors),
          ...checkString(kind["kind"], `${k}.kind`, kindErrors, true),
        ],
        true,
      ),
    ),
  ]);
}

function validateListener(l: Record<string, unknown>, at: string): StatusCause[] {
  const protocol = l["protocol"];
  const causes = [
    ...checkString(l["name"], `${at}.name`, sectionNameErrors, true),
    ...validatePortNumber(l["port"], `${at}.port`),
    ...checkString(protocol, `${at}.protocol`, protocolErrors, true),
    ...validateTLS(l["tls"], protocol, `${at}.tls`),
    ...validateAllowedRoutes(l["allowedRoutes"], `${at}.allowedRoutes`),
  ];
  const hostname = l["hostname"];
  if ((protocol === "TCP" || protocol === "UDP") && hostname !== undefined && hostname !== "")
    causes.push(forbidden(`${at}.hostname`, "hostname must not be specified for protocols ['TCP', 'UDP']"));
  else causes.push(...checkString(hostname, `${at}.hostname`, (h) => hostnameErrors(h)));
  return causes;
}

function validateListeners(listeners: unknown): StatusCause[] {
  const causes = eachOf(
    listeners,
    "spec.listeners",
    64,
    (v, at) => objectAt(v, at, (l) => validateListener(l, at), true),
    1,
  );
  if (!Array.isArray(listeners)) return causes;
  const names = new Set<unknown>();
  const combos = new Set<string>();
  listeners.forEach((l: unknown, i) => {
    const name = prop(l, "name");
    if (typeof name === "string" && name !== "") {
      if (names.has(name)) causes.push(duplicateValue(`spec.listeners[${i}].name`, name));
      names.add(name);
    }
    const combo = `${String(prop(l, "port"))} ${String(prop(l, "protocol"))} ${String(prop(l, "hostname") ?? "")}`;
    if (combos.has(combo))
      causes.push(
        ...invalidValue(
          `spec.listeners[${i}]`,
          combo,
          "Combination of port, protocol and hostname must be unique for each listener",
        ),
      );
    combos.add(combo);
  });
  return causes;
}

/** Validates a Gateway. */
export function validateGateway(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const spec = prop(obj, "spec");
  if (!isRecord(spec)) return [...causes, requiredValue("spec")];
  causes.push(...checkString(spec["gatewayClassName"], "spec.gatewayClassName", objectNameErrors, true));
  causes.push(...validateListeners(spec["listeners"]));
  causes.push(
    ...eachOf(spec["addresses"], "spec.addresses", 16, (v, at) =>
      objectAt(
        v,
        at,
        (a) => [
          ...checkString(a["type"], `${at}.type`, (t) =>
            ADDRESS_TYPES_RE.test(t) ? [] : ["must be IPAddress, Hostname or NamedAddress"],
          ),
          ...checkString(
            a["value"],
            `${at}.value`,
            (s) => (s.length > 253 ? ["must be no more than 253 characters"] : []),
            true,
          ),
        ],
        true,
      ),
    ),
  );
  return causes;
}
