/**
 * Field rules the Gateway API kinds share, from the upstream CRDs' OpenAPI patterns and CEL rules
 * (gateway.networking.k8s.io v1: Hostname, ObjectName, Namespace, Group, Kind, SectionName,
 * HTTPHeaderName, PortNumber). Where a value can reach nginx.conf, kdns is stricter than upstream,
 * as for DNSRecords: object names must be DNS-1123 subdomains (upstream allows any 1-253
 * characters), and header names and values, which upstream lets carry `$`, `#`, quotes and (for
 * values) control characters, are refused those, since nginx expands `$` and a control character
 * can end a directive.
 */
import { isIP } from "node:net";
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Label, isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import { invalidValue, requiredValue } from "./field-errors.ts";
import { isRecord } from "./guards.ts";
import { validatePortNumber } from "./ports.ts";

const HOSTNAME_RE = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GROUP_RE = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND_RE = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const HEADER_NAME_RE = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const NGINX_UNSAFE_NAME_RE = /[$#'`]/;
const UNSAFE_VALUE_RE = /[\x00-\x1f\x7f$]/;

/** The value at `field` as a string, or the causes for a missing or non-string one. */
export function stringAt(value: unknown, field: string, required: boolean): string | StatusCause[] {
  if (value === undefined || value === null || value === "") return required ? [requiredValue(field)] : [];
  if (typeof value !== "string") return invalidValue(field, value, "must be a string");
  return value;
}

/** Runs `rule` on a string field; missing optional fields are fine. */
export function checkString(
  value: unknown,
  field: string,
  rule: (s: string) => string[],
  required = false,
): StatusCause[] {
  const s = stringAt(value, field, required);
  return typeof s === "string" ? invalidValue(field, s, ...rule(s)) : s;
}

/** Gateway API `Hostname`: a lower-case DNS name, optionally with one leading `*.` label; not an IP. */
export function hostnameErrors(value: string, allowWildcard = true): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push("must be no more than 253 characters");
  if (!allowWildcard && value.startsWith("*"))
    errs.push("must be a precise hostname: a wildcard ('*.') is not allowed here");
  if (!HOSTNAME_RE.test(value)) {
    errs.push(
      "must be a lower-case RFC 1123 hostname, optionally prefixed by a single wildcard label ('*.'): regex used for validation is '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'",
    );
  }
  if (isIP(value) !== 0) errs.push("must be a DNS name, not an IP address");
  if (value.split(".").some((label) => label.length > 63)) errs.push("each label must be no more than 63 characters");
  return errs;
}

/** An object name kdns can look up: a DNS-1123 subdomain. */
export function objectNameErrors(value: string): string[] {
  return isDNS1123Subdomain(value);
}

/** Gateway API `Namespace`: a DNS-1123 label. */
export function namespaceErrors(value: string): string[] {
  return isDNS1123Label(value);
}

/** Gateway API `Group`: empty (the core group) or a DNS subdomain. */
export function groupErrors(value: string): string[] {
  if (value.length > 253) return ["must be no more than 253 characters"];
  return GROUP_RE.test(value) ? [] : ["must be empty or a DNS subdomain (e.g. 'gateway.networking.k8s.io')"];
}

/** Gateway API `Kind`: a CamelCase identifier. */
export function kindErrors(value: string): string[] {
  if (value.length > 63) return ["must be no more than 63 characters"];
  return KIND_RE.test(value)
    ? []
    : [
        "must start with a letter and contain only letters, digits and '-' (regex '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$')",
      ];
}

/** Gateway API `SectionName`: a DNS subdomain. */
export function sectionNameErrors(value: string): string[] {
  return isDNS1123Subdomain(value);
}

/** An HTTP header (or query parameter) name: an RFC 9110 token, 1-256 characters, none nginx treats specially. */
export function headerNameErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 256) errs.push("must be no more than 256 characters");
  if (!HEADER_NAME_RE.test(value)) errs.push("must be an HTTP token: letters, digits and !#$%&'*+-.^_`|~");
  else if (NGINX_UNSAFE_NAME_RE.test(value))
    errs.push("must not contain '$', '#', \"'\" or '`' (kdns writes it into nginx.conf)");
  return errs;
}

/** A header or query value: at most `max` characters, no control character and no '$'. */
export function headerValueErrors(value: string, max = 4096): string[] {
  const errs: string[] = [];
  if (value.length > max) errs.push(`must be no more than ${max} characters`);
  if (UNSAFE_VALUE_RE.test(value))
    errs.push("must not contain control characters or '$' (kdns writes it into nginx.conf)");
  return errs;
}

/** An optional port number 1-65535. */
export function optionalPort(value: unknown, field: string): StatusCause[] {
  return value === undefined || value === null ? [] : validatePortNumber(value, field);
}

/** A list field: causes for a non-list or one over `max` items, else each item's causes. */
export function eachOf(
  value: unknown,
  field: string,
  max: number,
  item: (v: unknown, at: string, index: number) => StatusCause[],
  min = 0,
): StatusCause[] {
  if (value === undefined || value === null) return min > 0 ? [requiredValue(field)] : [];
  if (!Array.isArray(value)) return invalidValue(field, value, "must be a list");
  if (value.length < min) return [requiredValue(field, `at least ${min} item${min === 1 ? "" : "s"} required`)];
  if (value.length > max)
    return [
      { field, reason: "FieldValueTooMany", message: `Too many: ${value.length}: must have at most ${max} items` },
    ];
  return value.flatMap((v, i) => item(v, `${field}[${i}]`, i));
}

/** An object field: causes for a non-object, else `check`'s. */
export function objectAt(
  value: unknown,
  field: string,
  check: (o: Record<string, unknown>) => StatusCause[],
  required = false,
): StatusCause[] {
  if (value === undefined || value === null) return required ? [requiredValue(field)] : [];
  if (!isRecord(value)) return invalidValue(field, value, "must be an object");
  return check(value);
}

/** The group, kind, name and namespace of a reference (ParentReference, BackendObjectReference, SecretObjectReference). */
export function referenceErrors(ref: Record<string, unknown>, at: string): StatusCause[] {
  return [
    ...checkString(ref["group"], `${at}.group`, groupErrors),
    ...checkString(ref["kind"], `${at}.kind`, kindErrors),
    ...checkString(ref["name"], `${at}.name`, objectNameErrors, true),
    ...checkString(ref["namespace"], `${at}.namespace`, namespaceErrors),
  ];
}
