/**
 * DNSRecord validation. Host and paths are written into nginx.conf by the gateway, so this is an
 * allow-list, the lesson of the ingress-nginx injection CVEs (docs/dnsrecord-validation.md): hosts
 * are lowercase DNS-1123 subdomains that are not IP literals, paths use only `[A-Za-z0-9._~/-]`,
 * and every backend is a validated IP or Service name plus an integer port. `spec.tls` names a
 * Secret in the record's namespace, so its name follows the Secret name rule.
 */
import { isIP } from "node:net";
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1035Label, isDNS1123Subdomain, isValidIP } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { duplicateValue, invalidValue, requiredValue } from "./field-errors.ts";
import { isRecord, prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";
import { validatePortNumber } from "./ports.ts";

/** Longest accepted path; ingress-nginx-style cap that keeps generated configs small. */
export const PATH_MAX = 1024;

const PATH_RE = /^\/[A-Za-z0-9._~/-]*$/;

/** Messages for a bad `spec.host`; empty when the host is fine. */
export function hostErrors(host: string): string[] {
  const errs: string[] = [];
  if (isIP(host) !== 0) errs.push("must be a DNS name, not an IP address");
  if (/[^\x00-\x7f]/.test(host)) errs.push("must be ASCII: write internationalised names in punycode (xn--…)");
  errs.push(...isDNS1123Subdomain(host));
  // Kubernetes' subdomain rule checks only the whole length; DNS itself caps each label (RFC 1035 §2.3.4).
  if (host.split(".").some((label) => label.length > 63)) errs.push("each label must be no more than 63 characters");
  return errs;
}

/** Messages for a bad path; empty when the path is fine. */
export function pathErrors(path: string): string[] {
  const errs: string[] = [];
  if (path.length > PATH_MAX) errs.push(`must be no more than ${PATH_MAX} characters`);
  if (!PATH_RE.test(path)) {
    errs.push(
      "must be an absolute path of the characters A-Z a-z 0-9 '.' '_' '~' '-' '/' (regex used for validation is '^/[A-Za-z0-9._~/-]*$')",
    );
  }
  for (const seq of ["//", "/./", "/../"]) if (path.includes(seq)) errs.push(`must not contain '${seq}'`);
  for (const suffix of ["/..", "/."]) if (path.endsWith(suffix)) errs.push(`must not end with '${suffix}'`);
  return errs;
}

function validatePath(p: unknown, at: string): StatusCause[] {
  if (!isRecord(p)) return invalidValue(at, p, "must be an object");
  const causes: StatusCause[] = [];
  const path = p["path"];
  if (path === undefined || path === "") causes.push(requiredValue(`${at}.path`));
  else if (typeof path !== "string") causes.push(...invalidValue(`${at}.path`, path, "must be a string"));
  else causes.push(...invalidValue(`${at}.path`, path, ...pathErrors(path)));
  const service = p["service"];
  const address = p["address"];
  const hasService = service !== undefined && service !== "";
  const hasAddress = address !== undefined && address !== "";
  if (!hasService && !hasAddress) causes.push(requiredValue(at, "service or address must be set"));
  if (hasService) {
    causes.push(
      ...invalidValue(
        `${at}.service`,
        service,
        ...(typeof service === "string" ? isDNS1035Label(service) : ["must be a string"]),
      ),
    );
  }
  if (hasAddress) {
    causes.push(
      ...invalidValue(
        `${at}.address`,
        address,
        ...(typeof address === "string" ? isValidIP(address) : ["must be a string"]),
      ),
    );
  }
  causes.push(...validatePortNumber(p["port"], `${at}.port`));
  return causes;
}

function validateTLS(tls: unknown): StatusCause[] {
  if (tls === undefined || tls === null) return [];
  if (!isRecord(tls)) return invalidValue("spec.tls", tls, "must be an object");
  const causes: StatusCause[] = [];
  const secretName = tls["secretName"];
  if (secretName === undefined || secretName === "") causes.push(requiredValue("spec.tls.secretName"));
  else if (typeof secretName !== "string")
    causes.push(...invalidValue("spec.tls.secretName", secretName, "must be a string"));
  else causes.push(...invalidValue("spec.tls.secretName", secretName, ...isDNS1123Subdomain(secretName)));
  const redirect = tls["httpRedirect"];
  if (redirect !== undefined && typeof redirect !== "boolean")
    causes.push(...invalidValue("spec.tls.httpRedirect", redirect, "must be a boolean"));
  return causes;
}

/** Validates a DNSRecord; run after defaulting, which lower-cases the host and fills paths. */
export function validateDNSRecord(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const spec = prop(obj, "spec");
  if (!isRecord(spec)) return [...causes, requiredValue("spec")];
  const host = spec["host"];
  if (host === undefined || host === "") causes.push(requiredValue("spec.host"));
  else if (typeof host !== "string") causes.push(...invalidValue("spec.host", host, "must be a string"));
  else causes.push(...invalidValue("spec.host", host, ...hostErrors(host)));
  const paths = spec["paths"];
  if (paths === undefined || paths === null || (Array.isArray(paths) && paths.length === 0)) {
    causes.push(requiredValue("spec.paths", "at least one path is required"));
  } else if (!Array.isArray(paths)) {
    causes.push(...invalidValue("spec.paths", paths, "must be a list of paths"));
  } else {
    const seen = new Set<unknown>();
    paths.forEach((p: unknown, i) => {
      const at = `spec.paths[${i}]`;
      causes.push(...validatePath(p, at));
      const path = prop(p, "path");
      if (typeof path === "string" && path !== "") {
        if (seen.has(path)) causes.push(duplicateValue(`${at}.path`, path));
        seen.add(path);
      }
    });
  }
  causes.push(...validateTLS(spec["tls"]));
  return causes;
}
