/**
 * HTTPRoute filter validation (gateway.networking.k8s.io/v1 HTTPRouteFilter and the CEL rules on a
 * rule's filter list). kdns serves RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect
 * and URLRewrite; the other upstream types (RequestMirror, CORS, ExtensionRef) are refused with
 * 422 rather than accepted and ignored. Paths in redirects and rewrites follow the DNSRecord path
 * allow-list, since they are written into nginx.conf.
 */
import type { StatusCause } from "../../machinery/status.ts";
import { pathErrors } from "./dns-record.ts";
import { duplicateValue, forbidden, invalidValue, notSupported, requiredValue } from "./field-errors.ts";
import {
  checkString,
  eachOf,
  headerNameErrors,
  headerValueErrors,
  hostnameErrors,
  objectAt,
  optionalPort,
} from "./gateway-api-fields.ts";

/** The filter types kdns serves, each named by the field that holds its settings. */
export const FILTER_FIELDS: Readonly<Record<string, string>> = {
  RequestHeaderModifier: "requestHeaderModifier",
  ResponseHeaderModifier: "responseHeaderModifier",
  RequestRedirect: "requestRedirect",
  URLRewrite: "urlRewrite",
};
const UPSTREAM_ONLY = ["RequestMirror", "CORS", "ExtensionRef"];
const ALL_FIELDS = [...Object.values(FILTER_FIELDS), "requestMirror", "cors", "extensionRef"];
const REDIRECT_CODES = [301, 302, 303, 307, 308];

function headerList(value: unknown, at: string): StatusCause[] {
  const causes = eachOf(value, at, 16, (v, h) =>
    objectAt(
      v,
      h,
      (o) => [
        ...checkString(o["name"], `${h}.name`, headerNameErrors, true),
        ...checkString(o["value"], `${h}.value`, (s) => headerValueErrors(s), true),
      ],
      true,
    ),
  );
  if (Array.isArray(value))
    causes.push(
      ...duplicates(
        value.map((v: unknown) => (v as { name?: unknown })?.name),
        at,
      ),
    );
  return causes;
}

/** Names listed twice, compared case-insensitively (header names are). */
function duplicates(names: unknown[], at: string): StatusCause[] {
  const seen = new Set<string>();
  const causes: StatusCause[] = [];
  names.forEach((n, i) => {
    if (typeof n !== "string") return;
    const key = n.toLowerCase();
    if (seen.has(key)) causes.push(duplicateValue(`${at}[${i}].name`, n));
    seen.add(key);
  });
  return causes;
}

function headerModifier(m: Record<string, unknown>, at: string): StatusCause[] {
  const causes = [...headerList(m["set"], `${at}.set`), ...headerList(m["add"], `${at}.add`)];
  causes.push(...eachOf(m["remove"], `${at}.remove`, 16, (v, r) => checkString(v, r, headerNameErrors, true)));
  return causes;
}

/** HTTPPathModifier: the field its type names is set, the other is not. */
function pathModifier(p: Record<string, unknown>, at: string): StatusCause[] {
  const type = p["type"];
  const causes: StatusCause[] = [];
  if (type !== "ReplaceFullPath" && type !== "ReplacePrefixMatch")
    return [notSupported(`${at}.type`, type, ["ReplaceFullPath", "ReplacePrefixMatch"])];
  const other = type === "ReplaceFullPath" ? "replacePrefixMatch" : "replaceFullPath";
  const own = type === "ReplaceFullPath" ? "replaceFullPath" : "replacePrefixMatch";
  if (p[other] !== undefined)
    causes.push(
      forbidden(
        `${at}.${other}`,
        `type must be '${other === "replaceFullPath" ? "ReplaceFullPath" : "ReplacePrefixMatch"}' when ${other} is set`,
      ),
    );
  if (p[own] === undefined)
    causes.push(requiredValue(`${at}.${own}`, `${own} must be specified when type is set to '${type}'`));
  else causes.push(...checkString(p[own], `${at}.${own}`, pathErrors, true));
  return causes;
}

function redirect(r: Record<string, unknown>, at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const scheme = r["scheme"];
  if (scheme !== undefined && scheme !== "http" && scheme !== "https")
    causes.push(notSupported(`${at}.scheme`, scheme, ["http", "https"]));
  causes.push(...checkString(r["hostname"], `${at}.hostname`, (h) => hostnameErrors(h, false)));
  causes.push(...objectAt(r["path"], `${at}.path`, (p) => pathModifier(p, `${at}.path`)));
  causes.push(...optionalPort(r["port"], `${at}.port`));
  const code = r["statusCode"];
  if (code !== undefined && !(typeof code === "number" && REDIRECT_CODES.includes(code)))
    causes.push(notSupported(`${at}.statusCode`, code, REDIRECT_CODES.map(String)));
  return causes;
}

function rewrite(r: Record<string, unknown>, at: string): StatusCause[] {
  return [
    ...checkString(r["hostname"], `${at}.hostname`, (h) => hostnameErrors(h, false)),
    ...objectAt(r["path"], `${at}.path`, (p) => pathModifier(p, `${at}.path`)),
  ];
}

const CHECKS: Record<string, (o: Record<string, unknown>, at: string) => StatusCause[]> = {
  requestHeaderModifier: headerModifier,
  responseHeaderModifier: headerModifier,
  requestRedirect: redirect,
  urlRewrite: rewrite,
};

function filter(f: Record<string, unknown>, at: string): StatusCause[] {
  const type = f["type"];
  if (typeof type === "string" && UPSTREAM_ONLY.includes(type))
    return [notSupported(`${at}.type`, type, Object.keys(FILTER_FIELDS), "kdns does not implement this filter")];
  const field = typeof type === "string" ? FILTER_FIELDS[type] : undefined;
  if (field === undefined) return [notSupported(`${at}.type`, type, Object.keys(FILTER_FIELDS))];
  const causes: StatusCause[] = [];
  for (const other of ALL_FIELDS) {
    if (other !== field && f[other] !== undefined)
      causes.push(forbidden(`${at}.${other}`, `filter.${other} must be nil if the filter.type is not ${type}`));
  }
  const check = CHECKS[field];
  if (f[field] === undefined)
    causes.push(requiredValue(`${at}.${field}`, `filter.${field} must be specified for ${type} filter.type`));
  else if (check) causes.push(...objectAt(f[field], `${at}.${field}`, (o) => check(o, `${at}.${field}`)));
  return causes;
}

/** A rule's filter list: each filter, no type twice, not both RequestRedirect and URLRewrite. */
export function validateFilters(value: unknown, at: string): StatusCause[] {
  const causes = eachOf(value, at, 16, (v, f) => objectAt(v, f, (o) => filter(o, f), true));
  if (!Array.isArray(value)) return causes;
  const types = value.map((f: unknown) => (f as { type?: unknown } | null)?.type);
  for (const type of Object.keys(FILTER_FIELDS)) {
    if (types.filter((t) => t === type).length > 1)
      causes.push(...invalidValue(at, type, `${type} filter cannot be repeated`));
  }
  if (types.includes("RequestRedirect") && types.includes("URLRewrite"))
    causes.push(
      ...invalidValue(
        at,
        "RequestRedirect+URLRewrite",
        "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
      ),
    );
  return causes;
}
