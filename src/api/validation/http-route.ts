/**
 * HTTPRoute validation, as the upstream CRD's schema and CEL rules state it: at most 32 parentRefs
 * (two to the same parent need distinct sectionNames), 16 hostnames, 16 rules, 64 matches a rule
 * and 128 in all, 16 backendRefs a rule with weights 0-1000000 and a port for a Service; a
 * RequestRedirect never beside backendRefs; ReplacePrefixMatch only with exactly one PathPrefix
 * match. kdns serves Exact and PathPrefix paths and Exact header and query matches; regular
 * expressions and per-backend filters are refused with 422 instead of being accepted and ignored.
 * Path values follow the DNSRecord allow-list, since they are written into nginx.conf.
 */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { pathErrors } from "./dns-record.ts";
import { duplicateValue, invalidValue, notSupported, requiredValue } from "./field-errors.ts";
import {
  checkString,
  eachOf,
  headerNameErrors,
  headerValueErrors,
  hostnameErrors,
  objectAt,
  optionalPort,
  referenceErrors,
  sectionNameErrors,
} from "./gateway-api-fields.ts";
import { isRecord, prop } from "./guards.ts";
import { validateFilters } from "./http-route-filters.ts";
import { validateObjectMeta } from "./metadata.ts";

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
const PATH_TYPES = ["Exact", "PathPrefix"];
const VALUE_TYPES = ["Exact"];
const MAX_MATCHES = 128;
const MAX_WEIGHT = 1_000_000;

function parentRefs(value: unknown): StatusCause[] {
  const causes = eachOf(value, "spec.parentRefs", 32, (v, at) =>
    objectAt(
      v,
      at,
      (p) => [
        ...referenceErrors(p, at),
        ...checkString(p["sectionName"], `${at}.sectionName`, sectionNameErrors),
        ...optionalPort(p["port"], `${at}.port`),
      ],
      true,
    ),
  );
  if (!Array.isArray(value)) return causes;
  // Two references to one parent must each name a different section (the CRD's CEL rules).
  const seen = new Map<string, Set<unknown>>();
  value.forEach((p: unknown, i) => {
    const parent = ["group", "kind", "namespace", "name"].map((k) => String(prop(p, k) ?? "")).join("/");
    const section = prop(p, "sectionName") ?? "";
    const sections = seen.get(parent) ?? new Set<unknown>();
    if (sections.size > 0 && (section === "" || sections.has("")))
      causes.push(
        requiredValue(
          `spec.parentRefs[${i}].sectionName`,
          "sectionName must be specified when parentRefs includes 2 or more references to the same parent",
        ),
      );
    else if (sections.has(section)) causes.push(duplicateValue(`spec.parentRefs[${i}].sectionName`, section));
    sections.add(section);
    seen.set(parent, sections);
  });
  return causes;
}

function valueMatches(value: unknown, at: string, maxValue: number): StatusCause[] {
  const causes = eachOf(value, at, 16, (v, m) =>
    objectAt(
      v,
      m,
      (o) => {
        const type = o["type"] ?? "Exact";
        return [
          ...(VALUE_TYPES.includes(type as string)
            ? []
            : [notSupported(`${m}.type`, type, VALUE_TYPES, "kdns does not serve regular expressions")]),
          ...checkString(o["name"], `${m}.name`, headerNameErrors, true),
          ...checkString(o["value"], `${m}.value`, (s) => headerValueErrors(s, maxValue), true),
        ];
      },
      true,
    ),
  );
  if (!Array.isArray(value)) return causes;
  const names = new Set<unknown>();
  value.forEach((v: unknown, i) => {
    const name = prop(v, "name");
    if (names.has(name)) causes.push(duplicateValue(`${at}[${i}].name`, name));
    names.add(name);
  });
  return causes;
}

function match(m: Record<string, unknown>, at: string): StatusCause[] {
  const causes = objectAt(m["path"], `${at}.path`, (p) => {
    const type = p["type"] ?? "PathPrefix";
    if (!PATH_TYPES.includes(type as string))
      return [notSupported(`${at}.path.type`, type, PATH_TYPES, "kdns does not serve regular expressions")];
    return checkString(p["value"] ?? "/", `${at}.path.value`, pathErrors, true);
  });
  causes.push(...valueMatches(m["headers"], `${at}.headers`, 4096));
  causes.push(...valueMatches(m["queryParams"], `${at}.queryParams`, 1024));
  const method = m["method"];
  if (method !== undefined && !METHODS.includes(method as string))
    causes.push(notSupported(`${at}.method`, method, METHODS));
  return causes;
}

function backendRef(b: Record<string, unknown>, at: string): StatusCause[] {
  const causes = referenceErrors(b, at);
  causes.push(...optionalPort(b["port"], `${at}.port`));
  const group = b["group"] ?? "";
  const kind = b["kind"] ?? "Service";
  if (group === "" && kind === "Service" && (b["port"] === undefined || b["port"] === null))
    causes.push(requiredValue(`${at}.port`, "Must have port for Service reference"));
  const weight = b["weight"];
  if (
    weight !== undefined &&
    !(Number.isInteger(weight) && (weight as number) >= 0 && (weight as number) <= MAX_WEIGHT)
  )
    causes.push(...invalidValue(`${at}.weight`, weight, `must be an integer between 0 and ${MAX_WEIGHT}, inclusive`));
  const filters = b["filters"];
  if (Array.isArray(filters) && filters.length > 0)
    causes.push(
      notSupported(
        `${at}.filters`,
        filters.map((f) => prop(f, "type")),
        [],
        "kdns does not apply filters per backend; put them on the rule",
      ),
    );
  return causes;
}

/** The rule-wide CEL rules: redirect vs backends, ReplacePrefixMatch vs matches. */
function ruleCombinations(r: Record<string, unknown>, at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const filters = Array.isArray(r["filters"]) ? (r["filters"] as unknown[]) : [];
  const backends = r["backendRefs"];
  if (Array.isArray(backends) && backends.length > 0 && filters.some((f) => prop(f, "requestRedirect") !== undefined))
    causes.push(
      ...invalidValue(at, "RequestRedirect", "RequestRedirect filter must not be used together with backendRefs"),
    );
  const matches = r["matches"];
  for (const [field, name] of [
    ["requestRedirect", "RequestRedirect"],
    ["urlRewrite", "URLRewrite"],
  ] as const) {
    const prefixReplaced = filters.some((f) => prop(prop(prop(f, field), "path"), "type") === "ReplacePrefixMatch");
    if (!prefixReplaced) continue;
    const one = Array.isArray(matches) && matches.length === 1 ? matches[0] : undefined;
    const pathType = prop(prop(one, "path"), "type");
    if (one === undefined || prop(one, "path") === undefined || (pathType ?? "PathPrefix") !== "PathPrefix")
      causes.push(
        ...invalidValue(
          `${at}.matches`,
          matches ?? null,
          `When using ${name} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified`,
        ),
      );
  }
  return causes;
}

function rule(r: Record<string, unknown>, at: string): StatusCause[] {
  return [
    ...checkString(r["name"], `${at}.name`, sectionNameErrors),
    ...eachOf(r["matches"], `${at}.matches`, 64, (v, m) => objectAt(v, m, (o) => match(o, m), true)),
    ...validateFilters(r["filters"], `${at}.filters`),
    ...eachOf(r["backendRefs"], `${at}.backendRefs`, 16, (v, b) => objectAt(v, b, (o) => backendRef(o, b), true)),
    ...ruleCombinations(r, at),
  ];
}

/** Validates an HTTPRoute; run after defaulting. */
export function validateHTTPRoute(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const spec = prop(obj, "spec");
  if (!isRecord(spec)) return [...causes, requiredValue("spec")];
  causes.push(...parentRefs(spec["parentRefs"]));
  causes.push(
    ...eachOf(spec["hostnames"], "spec.hostnames", 16, (v, at) => checkString(v, at, (h) => hostnameErrors(h), true)),
  );
  const rules = spec["rules"];
  causes.push(...eachOf(rules, "spec.rules", 16, (v, at) => objectAt(v, at, (o) => rule(o, at), true)));
  if (Array.isArray(rules)) {
    const total = rules.reduce(
      (n: number, r: unknown) => n + (Array.isArray(prop(r, "matches")) ? (prop(r, "matches") as unknown[]).length : 0),
      0,
    );
    if (total > MAX_MATCHES)
      causes.push(
        ...invalidValue(
          "spec.rules",
          total,
          `While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than ${MAX_MATCHES}`,
        ),
      );
  }
  return causes;
}
