/**
 * DNSRecord → {@link OwnerRoutes}: each path a `PathPrefix` route whose prefix is stripped before
 * proxying (URLRewrite ReplacePrefixMatch `/`, what `location /p/ { proxy_pass http://up/; }`
 * does), to its literal address or its Service port. Records are re-checked against the API's
 * allow-list, so one that slipped past validation (an older server, a direct storage write) never
 * reaches an engine.
 */
import { isIP } from "node:net";
import type { DNSRecord } from "../../api/types.ts";
import { hostErrors, pathErrors } from "../../api/validation/dns-record.ts";
import { isDNS1035Label, isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import { normalizePrefix } from "./prefix.ts";
import type { OwnerRoutes, SourceRoute } from "./source.ts";

/** Why a record cannot be routed at all, or undefined when its spec is well-formed. */
export function invalidReason(record: DNSRecord): string | undefined {
  const spec = record.spec as Partial<DNSRecord["spec"]> | undefined;
  if (typeof spec?.host !== "string" || hostErrors(spec.host).length > 0)
    return `invalid host ${JSON.stringify(spec?.host)}`;
  if (!Array.isArray(spec.paths) || spec.paths.length === 0) return "no paths";
  for (const p of spec.paths) {
    if (typeof p?.path !== "string" || pathErrors(p.path).length > 0) return `invalid path ${JSON.stringify(p?.path)}`;
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) return `invalid port ${JSON.stringify(p.port)}`;
    if (p.address !== undefined && p.address !== "" && isIP(p.address) === 0)
      return `invalid address ${JSON.stringify(p.address)}`;
    const hasAddress = typeof p.address === "string" && p.address !== "";
    if (!hasAddress && (typeof p.service !== "string" || isDNS1035Label(p.service).length > 0))
      return `invalid service ${JSON.stringify(p.service)}`;
  }
  const tls = spec.tls as Partial<NonNullable<DNSRecord["spec"]["tls"]>> | null | undefined;
  if (tls !== undefined && tls !== null) {
    if (typeof tls.secretName !== "string" || isDNS1123Subdomain(tls.secretName).length > 0)
      return `invalid spec.tls.secretName ${JSON.stringify(tls.secretName)}`;
    if (tls.httpRedirect !== undefined && typeof tls.httpRedirect !== "boolean")
      return `invalid spec.tls.httpRedirect ${JSON.stringify(tls.httpRedirect)}`;
  }
  return undefined;
}

/** The record's routes. */
export function dnsRecordRoutes(record: DNSRecord): OwnerRoutes {
  const namespace = record.metadata.namespace ?? "default";
  const owner = { kind: "DNSRecord" as const, namespace, name: record.metadata.name ?? "" };
  const created = record.metadata.creationTimestamp ?? "";
  const invalid = invalidReason(record);
  if (invalid !== undefined) return { owner, created, routes: [], tls: [], invalid };
  const host = record.spec.host.toLowerCase();
  const routes: SourceRoute[] = record.spec.paths.map((p) => ({
    host,
    path: p.path,
    match: { path: { type: "PathPrefix", value: normalizePrefix(p.path) } },
    filters: [{ type: "URLRewrite", path: { type: "ReplacePrefixMatch", value: "/" } }],
    backends: [
      p.address !== undefined && p.address !== ""
        ? { type: "address", ip: p.address, port: p.port, weight: 1 }
        : { type: "service", namespace, name: p.service ?? "", port: p.port, weight: 1 },
    ],
  }));
  const tls = record.spec.tls
    ? [
        {
          hosts: [host],
          secret: `${namespace}/${record.spec.tls.secretName}`,
          redirect: record.spec.tls.httpRedirect !== false,
        },
      ]
    : [];
  return { owner, created, routes, tls };
}
