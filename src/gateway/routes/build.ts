/**
 * Route sources + Services + Endpoints + Secrets → {@link RouteTable}. Pure: the gateway
 * controller calls it with its informer caches on every change and hands the result to an engine.
 *
 * Conflicts follow ingress-nginx across every kind: when two owners claim the same host and the
 * same match, the older one (creationTimestamp, then kind and namespace/name) serves it and the
 * newer one is told why not. Each host's routes are then ordered by {@link compareRoutes}.
 *
 * HTTPS is per host, as SNI picks a certificate by host name: the oldest served owner of a host
 * whose TLS section covers it gives the host its certificate and its redirect choice, and every
 * route of the host is served on both listeners (ingress-nginx does the same with the `tls`
 * sections of several Ingresses for one host). An owner whose Secret cannot be served (missing,
 * another type, unparsable, a key that is not the certificate's, a certificate not covering the
 * host) is not routed at all: serving its paths over plain HTTP would downgrade a host that asked
 * for HTTPS.
 */
import type { Endpoints, Service } from "../../api/types.ts";
import { formatHostPort } from "../../machinery/host-port.ts";
import { notCovering, type TlsMaterial } from "../tls/certificate.ts";
import { serviceBackends } from "./backends.ts";
import type { BackendGroup, HostRoutes, HostTLS, OwnerOutcome, Route, RouteTable } from "./model.ts";
import { ownerKey, ownerName } from "./model.ts";
import { compareRoutes, type Ranked } from "./precedence.ts";
import { type BackendRef, claimKey, type OwnerRoutes, type SourceTLS } from "./source.ts";

/** The caches the table is computed from. */
export interface RouteInputs {
  /** Every route owner, translated (from-dns-record.ts, from-ingress.ts, …). */
  sources: readonly OwnerRoutes[];
  services: readonly Service[];
  endpoints: readonly Endpoints[];
  /** Secrets by `namespace/name`, parsed (see parseTlsSecret); TLS sections' names are looked up here. */
  secrets?: ReadonlyMap<string, TlsMaterial>;
  /** Whether the gateway has a TLS listener; without one TLS sections are noted in the status and not used. */
  https?: boolean;
}

const keyOf = (o: { metadata: { namespace?: string; name?: string } }): string =>
  `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

const sortKey = (o: OwnerRoutes): string => `${o.owner.kind} ${ownerKey(o.owner)}`;

function olderFirst(a: OwnerRoutes, b: OwnerRoutes): number {
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A name a certificate for `host` must cover (a wildcard host needs the wildcard certificate). */
function coverName(host: string): string {
  return host.startsWith("*.") ? `kdns-wildcard-check${host.slice(1)}` : host;
}

/** The host's HTTPS from one TLS section, or why its Secret cannot be served. */
function sectionTLS(
  section: SourceTLS,
  source: OwnerRoutes,
  hosts: readonly string[],
  inputs: RouteInputs,
): Map<string, HostTLS> | { invalid: string } {
  const material = inputs.secrets?.get(section.secret);
  if (material === undefined) return { invalid: `secret ${section.secret} does not exist` };
  if (material.type === "invalid") return { invalid: `secret ${section.secret}: ${material.reason}` };
  const { type: _, ...certificate } = material;
  const out = new Map<string, HostTLS>();
  for (const host of section.hosts.length > 0 ? section.hosts : hosts) {
    if (host === "*") continue; // no SNI name: the default certificate answers
    const uncovered = notCovering(material.leaf, coverName(host));
    if (uncovered !== undefined) return { invalid: `secret ${section.secret}: ${uncovered}` };
    out.set(host, { secret: section.secret, owner: source.owner, certificate, redirect: section.redirect });
  }
  return out;
}

/** What an owner's status says about HTTPS on a host served with `tls`. */
function httpsNote(tls: HostTLS, source: OwnerRoutes, own: string | undefined): string {
  const leaf = tls.certificate.leaf;
  const served = `HTTPS with secret ${tls.secret} (certificate serial ${leaf.serialNumber}, valid until ${leaf.validTo})`;
  if (ownerName(tls.owner) === ownerName(source.owner)) return served;
  const unused = own !== undefined && own !== tls.secret ? `; its own secret ${own} is not used` : "";
  const from = tls.owner.kind === "DNSRecord" ? ownerKey(tls.owner) : ownerName(tls.owner);
  return `${served} from ${from}, the host's oldest ${tls.owner.kind === "DNSRecord" ? "record with spec.tls" : "owner with tls"}${unused}`;
}

/** Resolves the groups of a route. */
function groupsOf(
  refs: readonly BackendRef[],
  services: Map<string, Service>,
  endpoints: Map<string, Endpoints>,
): BackendGroup[] {
  return refs.map((ref) => {
    if (ref.type === "invalid") return { weight: ref.weight, target: ref.target, backends: [], invalid: ref.reason };
    if (ref.type === "address")
      return {
        weight: ref.weight,
        target: formatHostPort({ host: ref.ip, port: ref.port }),
        backends: [{ ip: ref.ip, port: ref.port }],
      };
    const id = `${ref.namespace}/${ref.name}`;
    const resolved = serviceBackends(id, ref.port, services.get(id), endpoints.get(id));
    const group: BackendGroup = {
      weight: ref.weight,
      target: `service ${id} port ${ref.port}`,
      service: id,
      backends: resolved.type === "ok" ? resolved.backends : [],
    };
    if (resolved.type === "unavailable") group.unavailable = resolved.reason;
    if (resolved.notReady) group.notReady = resolved.notReady;
    return group;
  });
}

/** Computes the route table. */
export function buildRouteTable(inputs: RouteInputs): RouteTable {
  const services = new Map(inputs.services.map((s) => [keyOf(s), s]));
  const endpoints = new Map(inputs.endpoints.map((e) => [keyOf(e), e]));
  const claims = new Map<string, OwnerRoutes>(); // claimKey → owner
  const hosts = new Map<string, (Route & Ranked)[]>();
  const hostTLS = new Map<string, HostTLS>();
  const ownSecret = new Map<OwnerRoutes, string>();
  const outcomes: [OwnerRoutes, OwnerOutcome][] = [];

  for (const source of [...inputs.sources].sort(olderFirst)) {
    const outcome: OwnerOutcome = { owner: source.owner, hosts: [], served: [], lost: [], unavailable: [] };
    outcomes.push([source, outcome]);
    if (source.invalid !== undefined) {
      outcome.invalid = source.invalid;
      continue;
    }
    const ownHosts = [...new Set(source.routes.map((r) => r.host))];
    const tls = new Map<string, HostTLS>();
    const first = source.tls[0];
    if (first) ownSecret.set(source, first.secret);
    if (first && !inputs.https) {
      const what = source.owner.kind === "DNSRecord" ? "spec.tls" : "tls";
      outcome.https = { served: false, note: `${what} is not used: the gateway has no TLS listener` };
    } else if (first) {
      let invalid: string | undefined;
      for (const section of source.tls) {
        const t = sectionTLS(section, source, ownHosts, inputs);
        if ("invalid" in t) {
          invalid = t.invalid;
          break;
        }
        for (const [h, v] of t) if (!tls.has(h)) tls.set(h, v);
      }
      if (invalid !== undefined) {
        outcome.invalidCertificate = invalid;
        continue;
      }
    }
    const servedHosts = new Set<string>();
    source.routes.forEach((r, index) => {
      const claim = claimKey(r.host, r.match);
      const winner = claims.get(claim);
      if (winner === source) return; // the same match twice in one object: the first serves
      if (winner !== undefined) {
        outcome.lost.push({ host: r.host, path: r.path, winner: winner.owner });
        return;
      }
      claims.set(claim, source);
      const groups = groupsOf(r.backends, services, endpoints);
      const live = groups.filter((g) => g.weight > 0);
      const redirect = r.filters.some((f) => f.type === "RequestRedirect");
      if (!redirect && live.length > 0 && live.every((g) => g.unavailable !== undefined))
        outcome.unavailable.push({ path: r.path, reason: live.map((g) => g.unavailable).join("; ") });
      outcome.served.push(r.path);
      servedHosts.add(r.host);
      const list = hosts.get(r.host) ?? [];
      list.push({
        match: r.match,
        owner: source.owner,
        filters: r.filters,
        groups,
        created: source.created,
        ownerKey: sortKey(source),
        index,
      });
      hosts.set(r.host, list);
    });
    outcome.hosts = [...servedHosts].sort();
    for (const h of servedHosts) {
      const t = tls.get(h);
      if (t && !hostTLS.has(h)) hostTLS.set(h, t);
    }
  }
  for (const [source, outcome] of outcomes) {
    const t = outcome.hosts.map((h) => hostTLS.get(h)).find((x) => x !== undefined);
    if (!t) continue;
    outcome.https = { served: true, note: httpsNote(t, source, ownSecret.get(source)) };
  }

  const hostList: HostRoutes[] = [...hosts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, ranked]) => {
      const routes: Route[] = ranked
        .sort(compareRoutes)
        .map(({ match, owner, filters, groups }) => ({ match, owner, filters, groups }));
      const entry: HostRoutes = { host, routes };
      const tls = hostTLS.get(host);
      if (tls) entry.tls = tls;
      return entry;
    });
  const list = outcomes
    .sort(([a], [b]) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
    .map(([, o]) => o);
  return { hosts: hostList, outcomes: list };
}
