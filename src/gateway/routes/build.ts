/**
 * DNSRecords + Services + Endpoints → {@link RouteTable}. Pure: the gateway controller calls it
 * with its informer caches on every change and hands the result to an engine.
 *
 * Conflicts follow ingress-nginx: when two records claim the same host and prefix, the older one
 * (creationTimestamp, then namespace/name) serves it and the newer one is told why not.
 * Records are re-checked against the API's allow-list, so a record that slipped past validation
 * (an older server, a direct storage write) never reaches an engine.
 *
 * HTTPS is per host, as SNI picks a certificate by host name: the oldest served record of a host
 * that has `spec.tls` gives the host its certificate and its redirect choice, and every route of
 * the host is served on both listeners (ingress-nginx does the same with the `tls` sections of
 * several Ingresses for one host). A record whose Secret cannot be served (missing, another type,
 * unparsable, a key that is not the certificate's, a certificate not covering the host) is not
 * routed at all: serving its paths over plain HTTP would downgrade a host that asked for HTTPS.
 */
import { isIP } from "node:net";
import type { DNSRecord, Endpoints, Service } from "../../api/types.ts";
import { hostErrors, pathErrors } from "../../api/validation/dns-record.ts";
import { formatHostPort } from "../../machinery/host-port.ts";
import { isDNS1035Label, isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import { notCovering, type TlsMaterial } from "../tls/certificate.ts";
import { serviceBackends } from "./backends.ts";
import type { HostRoutes, HostTLS, RecordOutcome, Route, RouteTable } from "./model.ts";
import { normalizePrefix } from "./prefix.ts";

/** The caches the table is computed from. */
export interface RouteInputs {
  records: readonly DNSRecord[];
  services: readonly Service[];
  endpoints: readonly Endpoints[];
  /** Secrets by `namespace/name`, parsed (see parseTlsSecret); those `spec.tls` names are looked up here. */
  secrets?: ReadonlyMap<string, TlsMaterial>;
  /** Whether the gateway has a TLS listener; without one `spec.tls` is noted in the status and not used. */
  https?: boolean;
}

const keyOf = (o: { metadata: { namespace?: string; name?: string } }): string =>
  `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

function olderFirst(a: DNSRecord, b: DNSRecord): number {
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = keyOf(a);
  const kb = keyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Why a record cannot be routed at all, or undefined when its spec is well-formed. */
function invalidReason(record: DNSRecord): string | undefined {
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

/** The record's HTTPS for its host, or why its Secret cannot be served. */
function recordTLS(record: DNSRecord, key: string, inputs: RouteInputs): HostTLS | { invalid: string } {
  const tls = record.spec.tls!;
  const secret = `${record.metadata.namespace ?? "default"}/${tls.secretName}`;
  const material = inputs.secrets?.get(secret);
  if (material === undefined) return { invalid: `secret ${secret} does not exist` };
  if (material.type === "invalid") return { invalid: `secret ${secret}: ${material.reason}` };
  const uncovered = notCovering(material.leaf, record.spec.host);
  if (uncovered !== undefined) return { invalid: `secret ${secret}: ${uncovered}` };
  const { type: _, ...certificate } = material;
  return { secret, record: key, certificate, redirect: tls.httpRedirect !== false };
}

/** What a record's status says about HTTPS on a host served with `tls`. */
function httpsNote(tls: HostTLS, key: string, own: string | undefined): string {
  const leaf = tls.certificate.leaf;
  const served = `HTTPS with secret ${tls.secret} (certificate serial ${leaf.serialNumber}, valid until ${leaf.validTo})`;
  if (tls.record === key) return served;
  const unused = own !== undefined && own !== tls.secret ? `; its own secret ${own} is not used` : "";
  return `${served} from ${tls.record}, the host's oldest record with spec.tls${unused}`;
}

/** Computes the route table. */
export function buildRouteTable(inputs: RouteInputs): RouteTable {
  const services = new Map(inputs.services.map((s) => [keyOf(s), s]));
  const endpoints = new Map(inputs.endpoints.map((e) => [keyOf(e), e]));
  const claims = new Map<string, string>(); // "host prefix" → record key
  const hosts = new Map<string, Route[]>();
  const hostTLS = new Map<string, HostTLS>();
  const ownSecret = new Map<string, string>(); // record key → namespace/name of its spec.tls Secret
  const records: RecordOutcome[] = [];

  for (const record of [...inputs.records].sort(olderFirst)) {
    const key = keyOf(record);
    const outcome: RecordOutcome = {
      key,
      host: String(record.spec?.host ?? ""),
      served: [],
      lost: [],
      unavailable: [],
    };
    records.push(outcome);
    const invalid = invalidReason(record);
    if (invalid !== undefined) {
      outcome.invalid = invalid;
      continue;
    }
    const host = record.spec.host;
    const ns = record.metadata.namespace ?? "default";
    let tls: HostTLS | undefined;
    if (record.spec.tls) ownSecret.set(key, `${ns}/${record.spec.tls.secretName}`);
    if (record.spec.tls && !inputs.https) {
      outcome.https = { served: false, note: "spec.tls is not used: the gateway has no TLS listener" };
    } else if (record.spec.tls) {
      const t = recordTLS(record, key, inputs);
      if ("invalid" in t) {
        outcome.invalidCertificate = t.invalid;
        continue;
      }
      tls = t;
    }
    for (const p of record.spec.paths) {
      const prefix = normalizePrefix(p.path);
      const claim = `${host} ${prefix}`;
      const winner = claims.get(claim);
      if (winner !== undefined) {
        outcome.lost.push({ path: p.path, winner });
        continue;
      }
      claims.set(claim, key);
      let route: Route;
      if (p.address !== undefined && p.address !== "") {
        route = {
          prefix,
          record: key,
          target: formatHostPort({ host: p.address, port: p.port }),
          backends: [{ ip: p.address, port: p.port }],
        };
      } else {
        const id = `${ns}/${p.service ?? ""}`;
        const resolved = serviceBackends(id, p.port, services.get(id), endpoints.get(id));
        route = {
          prefix,
          record: key,
          target: `service ${id} port ${p.port}`,
          service: id,
          backends: resolved.type === "ok" ? resolved.backends : [],
        };
        if (resolved.type === "unavailable") {
          route.unavailable = resolved.reason;
          outcome.unavailable.push({ path: p.path, reason: resolved.reason });
        }
      }
      outcome.served.push(prefix);
      const list = hosts.get(host) ?? [];
      list.push(route);
      hosts.set(host, list);
    }
    if (tls && outcome.served.length > 0 && !hostTLS.has(host)) hostTLS.set(host, tls);
  }
  for (const outcome of records) {
    const tls = hostTLS.get(outcome.host);
    if (!tls || outcome.served.length === 0) continue;
    outcome.https = { served: true, note: httpsNote(tls, outcome.key, ownSecret.get(outcome.key)) };
  }

  const hostList: HostRoutes[] = [...hosts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, routes]) => {
      const entry: HostRoutes = {
        host,
        routes: routes.sort((a, b) => b.prefix.length - a.prefix.length || (a.prefix < b.prefix ? -1 : 1)),
      };
      const tls = hostTLS.get(host);
      if (tls) entry.tls = tls;
      return entry;
    });
  records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { hosts: hostList, records };
}
