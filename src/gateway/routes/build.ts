/**
 * DNSRecords + Services + Endpoints → {@link RouteTable}. Pure: the gateway controller calls it
 * with its informer caches on every change and hands the result to an engine.
 *
 * Conflicts follow ingress-nginx: when two records claim the same host and prefix, the older one
 * (creationTimestamp, then namespace/name) serves it and the newer one is told why not.
 * Records are re-checked against the API's allow-list, so a record that slipped past validation
 * (an older server, a direct storage write) never reaches an engine.
 */
import { isIP } from "node:net";
import type { DNSRecord, Endpoints, Service } from "../../api/types.ts";
import { hostErrors, pathErrors } from "../../api/validation/dns-record.ts";
import { formatHostPort } from "../../machinery/host-port.ts";
import { isDNS1035Label } from "../../machinery/validate-names.ts";
import { serviceBackends } from "./backends.ts";
import type { HostRoutes, RecordOutcome, Route, RouteTable } from "./model.ts";
import { normalizePrefix } from "./prefix.ts";

/** The caches the table is computed from. */
export interface RouteInputs {
  records: readonly DNSRecord[];
  services: readonly Service[];
  endpoints: readonly Endpoints[];
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
  return undefined;
}

/** Computes the route table. */
export function buildRouteTable(inputs: RouteInputs): RouteTable {
  const services = new Map(inputs.services.map((s) => [keyOf(s), s]));
  const endpoints = new Map(inputs.endpoints.map((e) => [keyOf(e), e]));
  const claims = new Map<string, string>(); // "host prefix" → record key
  const hosts = new Map<string, Route[]>();
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
  }

  const hostList: HostRoutes[] = [...hosts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, routes]) => ({
      host,
      routes: routes.sort((a, b) => b.prefix.length - a.prefix.length || (a.prefix < b.prefix ? -1 : 1)),
    }));
  records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { hosts: hostList, records };
}
