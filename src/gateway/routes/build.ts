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
 *
 * A {@link RouteTableBuilder} keeps what it computed and recomputes only what changed: an owner's
 * TLS when the owner or its Secrets changed, a host when an owner routing on it or one of the
 * Services and Endpoints its routes name changed, an owner's outcome when one of its hosts
 * changed. Host conflicts and certificates are per host, so a host's entry is a function of the
 * owners on it alone. Everything is compared by identity (the informers replace an object on
 * change; the controller keeps translations), and a recomputed host equal to the one before
 * keeps the same object, so engines can tell an unchanged host by identity.
 */
import type { Endpoints, Service } from "../../api/types.ts";
import { formatHostPort } from "../../machinery/host-port.ts";
import { notCovering, type TlsMaterial } from "../tls/certificate.ts";
import { serviceBackends } from "./backends.ts";
import type { BackendGroup, HostRoutes, HostTLS, LostPath, OwnerOutcome, Route, RouteTable } from "./model.ts";
import { hostFingerprint, ownerKey, ownerName } from "./model.ts";
import { compareRoutes, type Ranked } from "./precedence.ts";
import { type BackendRef, claimKey, type OwnerRoutes, type SourceRoute, type SourceTLS } from "./source.ts";

/** What the table is computed from, but the Services and Endpoints. */
export interface TableInputs {
  /** Every route owner, translated (from-dns-record.ts, from-ingress.ts, …). */
  sources: readonly OwnerRoutes[];
  /** Secrets by `namespace/name`, parsed (see parseTlsSecret); TLS sections' names are looked up here. */
  secrets?: ReadonlyMap<string, TlsMaterial>;
  /** Whether the gateway has a TLS listener; without one TLS sections are noted in the status and not used. */
  https?: boolean;
}

/** The caches the table is computed from. */
export interface RouteInputs extends TableInputs {
  services: readonly Service[];
  endpoints: readonly Endpoints[];
}

/** Reads Services and Endpoints by namespace and name (the gateway's informer caches). */
export interface BackendReader {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
  /**
   * Changes whenever a Service or Endpoints the routes name may have changed: while it stays the
   * same, the builder does not look at them again. Undefined: they are compared on every build.
   */
  readonly generation?: number;
}

/** The inputs of {@link RouteTableBuilder.build}: Services and Endpoints read one by one. */
export interface BuilderInputs extends TableInputs {
  backends: BackendReader;
}

const keyOf = (o: { metadata: { namespace?: string; name?: string } }): string =>
  `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

const sortKey = (o: OwnerRoutes): string => `${o.owner.kind} ${ownerKey(o.owner)}`;

/** A name a certificate for `host` must cover (a wildcard host needs the wildcard certificate). */
function coverName(host: string): string {
  return host.startsWith("*.") ? `kdns-wildcard-check${host.slice(1)}` : host;
}

/** The host's HTTPS from one TLS section, or why its Secret cannot be served. */
function sectionTLS(
  section: SourceTLS,
  source: OwnerRoutes,
  hosts: readonly string[],
  inputs: TableInputs,
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
function groupsOf(refs: readonly BackendRef[], read: BackendReader): BackendGroup[] {
  return refs.map((ref) => {
    if (ref.type === "invalid") return { weight: ref.weight, target: ref.target, backends: [], invalid: ref.reason };
    if (ref.type === "address")
      return {
        weight: ref.weight,
        target: formatHostPort({ host: ref.ip, port: ref.port }),
        backends: [{ ip: ref.ip, port: ref.port }],
      };
    const id = `${ref.namespace}/${ref.name}`;
    const resolved = serviceBackends(
      id,
      ref.port,
      read.service(ref.namespace, ref.name),
      read.endpoints(ref.namespace, ref.name),
    );
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

/** An owner's routes on one host. */
interface HostPart {
  /** Route indexes, in route order. */
  indexes: number[];
  /** Namespace and name of each Service those routes name, in order. */
  services: [string, string][];
}

/** What an owner brings to every host it routes on: its TLS, or why it is not routed. */
interface Prepared {
  source: OwnerRoutes;
  /** `Kind namespace/name`: the outcomes' order and the last tie-break of conflicts. */
  key: string;
  /** The Secrets its TLS sections were checked against, in section order (identity decides reuse). */
  materials: (TlsMaterial | undefined)[];
  https: boolean;
  routed: boolean;
  /** Why its Secret cannot be served (then it is not routed). */
  invalidCertificate: string | undefined;
  /** Its TLS section's note when the gateway has no TLS listener. */
  unused: { served: false; note: string } | undefined;
  tls: Map<string, HostTLS>;
  ownSecret: string | undefined;
  byHost: Map<string, HostPart>;
}

/** What one route of an owner came to on its host. */
interface RouteResult {
  index: number;
  lost?: LostPath;
  /** Set when served without a ready backend. */
  unavailable?: string;
}

/** One host computed, with what it was computed from. */
interface HostResult {
  /** Its owners, oldest first. */
  owners: Prepared[];
  /** The Services and Endpoints their routes on the host name, in order. */
  read: (Service | Endpoints | undefined)[];
  entry: HostRoutes;
  /** The host's entry as JSON (certificates by id), to keep the old object when nothing changed. */
  fingerprint: string;
  /** Per owner on the host, its routes' results (routes it serves or loses; not its duplicates). */
  results: Map<Prepared, RouteResult[]>;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function olderFirstPrepared(a: Prepared, b: Prepared): number {
  if (a.source.created !== b.source.created) return a.source.created < b.source.created ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function prepare(source: OwnerRoutes, inputs: TableInputs): Prepared {
  const https = inputs.https === true;
  const byHost = new Map<string, HostPart>();
  source.routes.forEach((r, i) => {
    let part = byHost.get(r.host);
    if (!part) byHost.set(r.host, (part = { indexes: [], services: [] }));
    part.indexes.push(i);
    for (const b of r.backends) if (b.type === "service") part.services.push([b.namespace, b.name]);
  });
  const prepared: Prepared = {
    source,
    key: sortKey(source),
    materials: source.tls.map((t) => inputs.secrets?.get(t.secret)),
    https,
    routed: source.invalid === undefined,
    invalidCertificate: undefined,
    unused: undefined,
    tls: new Map(),
    ownSecret: source.tls[0]?.secret,
    byHost,
  };
  if (source.invalid !== undefined || source.tls.length === 0) return prepared;
  if (!https) {
    const what = source.owner.kind === "DNSRecord" ? "spec.tls" : "tls";
    prepared.unused = { served: false, note: `${what} is not used: the gateway has no TLS listener` };
    return prepared;
  }
  const ownHosts = [...byHost.keys()];
  for (const section of source.tls) {
    const t = sectionTLS(section, source, ownHosts, inputs);
    if ("invalid" in t) {
      prepared.invalidCertificate = t.invalid;
      prepared.routed = false;
      prepared.tls = new Map();
      break;
    }
    for (const [h, v] of t) if (!prepared.tls.has(h)) prepared.tls.set(h, v);
  }
  return prepared;
}

/** Whether `p` still holds for `source` (the same object, the same Secrets, the same listener). */
function stillPrepared(p: Prepared | undefined, source: OwnerRoutes, inputs: TableInputs): p is Prepared {
  if (p === undefined || p.https !== (inputs.https === true)) return false;
  for (let i = 0; i < source.tls.length; i++)
    if (p.materials[i] !== inputs.secrets?.get((source.tls[i] as SourceTLS).secret)) return false;
  return true;
}

/** Whether the Services and Endpoints `owners` name on `host` are the ones `read` holds, in order. */
function sameBackends(host: string, owners: readonly Prepared[], read: readonly unknown[], r: BackendReader): boolean {
  let k = 0;
  for (const p of owners)
    for (const [ns, name] of p.byHost.get(host)?.services ?? []) {
      if (r.service(ns, name) !== read[k++]) return false;
      if (r.endpoints(ns, name) !== read[k++]) return false;
    }
  return k === read.length;
}

function backendsRead(
  host: string,
  owners: readonly Prepared[],
  r: BackendReader,
): (Service | Endpoints | undefined)[] {
  const read: (Service | Endpoints | undefined)[] = [];
  for (const p of owners)
    for (const [ns, name] of p.byHost.get(host)?.services ?? []) read.push(r.service(ns, name), r.endpoints(ns, name));
  return read;
}

/** Settles one host: claims (oldest first), its routes in precedence order, its certificate. */
function computeHost(
  host: string,
  owners: readonly Prepared[],
  read: BackendReader,
): { entry: HostRoutes; results: Map<Prepared, RouteResult[]> } {
  const claims = new Map<string, Prepared>();
  const ranked: (Route & Ranked)[] = [];
  const results = new Map<Prepared, RouteResult[]>();
  let tls: HostTLS | undefined;
  for (const p of owners) {
    const source = p.source;
    const out: RouteResult[] = [];
    results.set(p, out);
    let served = false;
    for (const index of p.byHost.get(host)?.indexes ?? []) {
      const r = source.routes[index] as SourceRoute;
      const claim = claimKey(r.host, r.match);
      const winner = claims.get(claim);
      if (winner === p) continue; // the same match twice in one object: the first serves
      if (winner !== undefined) {
        out.push({ index, lost: { host: r.host, path: r.path, winner: winner.source.owner } });
        continue;
      }
      claims.set(claim, p);
      const groups = groupsOf(r.backends, read);
      const live = groups.filter((g) => g.weight > 0);
      const redirect = r.filters.some((f) => f.type === "RequestRedirect");
      const result: RouteResult = { index };
      if (!redirect && live.length > 0 && live.every((g) => g.unavailable !== undefined))
        result.unavailable = live.map((g) => g.unavailable).join("; ");
      out.push(result);
      served = true;
      ranked.push({
        match: r.match,
        owner: source.owner,
        filters: r.filters,
        groups,
        created: source.created,
        ownerKey: p.key,
        index,
      });
    }
    if (served && tls === undefined) tls = p.tls.get(host);
  }
  const routes: Route[] = ranked
    .sort(compareRoutes)
    .map(({ match, owner, filters, groups }) => ({ match, owner, filters, groups }));
  const entry: HostRoutes = { host, routes };
  if (tls) entry.tls = tls;
  return { entry, results };
}

/** An owner's outcome from its results on each of its hosts. */
function computeOutcome(p: Prepared, hostResults: Map<string, HostResult>): OwnerOutcome {
  const source = p.source;
  const outcome: OwnerOutcome = { owner: source.owner, hosts: [], served: [], lost: [], unavailable: [] };
  if (source.invalid !== undefined) {
    outcome.invalid = source.invalid;
    return outcome;
  }
  if (p.unused) outcome.https = p.unused;
  if (p.invalidCertificate !== undefined) {
    outcome.invalidCertificate = p.invalidCertificate;
    return outcome;
  }
  const results: RouteResult[] = [];
  const hosts: string[] = [];
  for (const host of p.byHost.keys()) {
    const mine = hostResults.get(host)?.results.get(p) ?? [];
    results.push(...mine);
    if (mine.some((r) => r.lost === undefined)) hosts.push(host);
  }
  results.sort((a, b) => a.index - b.index);
  for (const r of results) {
    const path = (source.routes[r.index] as SourceRoute).path;
    if (r.lost) outcome.lost.push(r.lost);
    else {
      outcome.served.push(path);
      if (r.unavailable !== undefined) outcome.unavailable.push({ path, reason: r.unavailable });
    }
  }
  outcome.hosts = hosts.sort();
  const t = outcome.hosts.map((h) => hostResults.get(h)?.entry.tls).find((x) => x !== undefined);
  if (t) outcome.https = { served: true, note: httpsNote(t, source, p.ownSecret) };
  return outcome;
}

const byKey = (a: Prepared, b: Prepared): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Builds route tables one after the other, recomputing only what changed since the last one:
 * the owners that are new objects (or whose Secrets changed), the hosts they route on or did, the
 * hosts whose Services or Endpoints changed, and the outcomes of the owners on those hosts (see
 * the module comment). {@link computed} counts that work.
 */
export class RouteTableBuilder {
  #prepared = new WeakMap<OwnerRoutes, Prepared>();
  /** The owners of the last build, in the sources' order. */
  #list: Prepared[] = [];
  /** Routed owners per host (in no order until the host is computed). */
  #onHost = new Map<string, Prepared[]>();
  #hosts = new Map<string, HostResult>();
  #outcomes = new Map<Prepared, OwnerOutcome>();
  #hostOrder: string[] = [];
  #hostIndex = new Map<string, number>();
  /** Owners by key, and their places there (the table's outcomes are in this order). */
  #ownerOrder: Prepared[] = [];
  #ownerIndex = new Map<string, number>();
  #generation: number | undefined;
  #last: RouteTable = { hosts: [], outcomes: [] };
  /** Owners, hosts and outcomes computed by the last {@link build}, for tests that check it stays small. */
  computed = { owners: 0, hosts: 0, outcomes: 0 };

  /** The route table of `inputs`. */
  build(inputs: BuilderInputs): RouteTable {
    const computed = { owners: 0, hosts: 0, outcomes: 0 };
    const read = inputs.backends;
    const list: Prepared[] = [];
    for (const source of inputs.sources) {
      let p = this.#prepared.get(source);
      if (!stillPrepared(p, source, inputs)) {
        p = prepare(source, inputs);
        this.#prepared.set(source, p);
        computed.owners++;
      }
      list.push(p);
    }

    // What changed: sources keep their place in the informers' lists, so a changed object is a
    // different owner at the same index; else the sets are compared. An owner that only moved
    // changes nothing (hosts and outcomes are ordered by owner, not by list).
    const prev = this.#list;
    let added: Prepared[] = [];
    let removed: Prepared[] = [];
    if (prev.length === list.length) {
      for (let i = 0; i < list.length; i++)
        if (prev[i] !== list[i]) {
          added.push(list[i] as Prepared);
          removed.push(prev[i] as Prepared);
        }
    } else {
      added = list;
      removed = prev;
    }
    if (added.length > 0 && removed.length > 0) {
      const before = new Set(removed);
      const now = new Set(added);
      added = added.filter((p) => !before.has(p));
      removed = removed.filter((p) => !now.has(p));
    }
    const dirty = new Set<string>();
    for (const p of removed) {
      if (!p.routed) continue;
      for (const host of p.byHost.keys()) {
        const owners = this.#onHost.get(host);
        const at = owners?.indexOf(p) ?? -1;
        if (at >= 0) owners?.splice(at, 1);
        dirty.add(host);
      }
    }
    for (const p of added) {
      if (!p.routed) continue;
      for (const host of p.byHost.keys()) {
        const owners = this.#onHost.get(host);
        if (owners) owners.push(p);
        else this.#onHost.set(host, [p]);
        dirty.add(host);
      }
    }
    // A Service or Endpoints may have changed: every host's are compared.
    if (read.generation === undefined || read.generation !== this.#generation)
      for (const [host, r] of this.#hosts)
        if (!dirty.has(host) && !sameBackends(host, r.owners, r.read, read)) dirty.add(host);
    this.#generation = read.generation;

    const affected = new Set<Prepared>(); // owners whose outcome may have changed
    let hostSet = false;
    let entries = false;
    for (const host of dirty) {
      const owners = this.#onHost.get(host) ?? [];
      const old = this.#hosts.get(host);
      if (old) for (const p of old.owners) affected.add(p);
      if (owners.length === 0) {
        this.#onHost.delete(host);
        if (old) {
          this.#hosts.delete(host);
          hostSet = true;
        }
        continue;
      }
      if (owners.length > 1) owners.sort(olderFirstPrepared);
      if (old !== undefined && sameList(old.owners, owners) && sameBackends(host, owners, old.read, read)) continue;
      computed.hosts++;
      for (const p of owners) affected.add(p);
      const { entry, results } = computeHost(host, owners, read);
      const fingerprint = hostFingerprint(entry);
      const keep = old !== undefined && old.fingerprint === fingerprint;
      if (old === undefined) hostSet = true;
      if (!keep) entries = true;
      const reads = backendsRead(host, owners, read);
      this.#hosts.set(host, {
        owners: [...owners],
        read: reads,
        entry: keep ? old.entry : entry,
        fingerprint,
        results,
      });
    }

    for (const p of removed) {
      this.#outcomes.delete(p);
      affected.delete(p);
    }
    for (const p of added) affected.add(p);
    for (const p of affected) {
      computed.outcomes++;
      this.#outcomes.set(p, computeOutcome(p, this.#hosts));
    }

    // The lists: patched where an entry changed in place, sorted again when the set changed.
    const last = this.#last;
    let hosts = last.hosts;
    if (hostSet) {
      this.#hostOrder = [...this.#hosts.keys()].sort();
      this.#hostIndex = new Map(this.#hostOrder.map((h, i) => [h, i]));
      hosts = this.#hostOrder.map((h) => (this.#hosts.get(h) as HostResult).entry);
    } else if (entries) {
      hosts = hosts.slice();
      for (const host of dirty) {
        const r = this.#hosts.get(host);
        const i = this.#hostIndex.get(host);
        if (r !== undefined && i !== undefined) hosts[i] = r.entry;
      }
    }
    // An owner replaced by a new object of the same name keeps its place.
    let replaced = 0;
    for (const p of added) {
      const i = this.#ownerIndex.get(p.key);
      const was = i === undefined ? undefined : this.#ownerOrder[i];
      if (i === undefined || was === undefined || this.#outcomes.has(was)) break;
      this.#ownerOrder[i] = p;
      replaced++;
    }
    let outcomes = last.outcomes;
    if (replaced !== added.length || replaced !== removed.length) {
      this.#ownerOrder = [...this.#outcomes.keys()].sort(byKey);
      this.#ownerIndex = new Map(this.#ownerOrder.map((p, i) => [p.key, i]));
      outcomes = this.#ownerOrder.map((p) => this.#outcomes.get(p) as OwnerOutcome);
    } else if (affected.size > 0) {
      outcomes = outcomes.slice();
      for (const p of affected) outcomes[this.#ownerIndex.get(p.key) as number] = this.#outcomes.get(p) as OwnerOutcome;
    }
    const table: RouteTable = { hosts, outcomes };
    this.#list = list;
    this.#last = table;
    this.computed = computed;
    return table;
  }
}

/** Reads `services` and `endpoints` by `namespace/name`. */
function listReader(services: readonly Service[], endpoints: readonly Endpoints[]): BackendReader {
  const svc = new Map(services.map((s) => [keyOf(s), s]));
  const eps = new Map(endpoints.map((e) => [keyOf(e), e]));
  return {
    service: (ns, name) => svc.get(`${ns}/${name}`),
    endpoints: (ns, name) => eps.get(`${ns}/${name}`),
  };
}

/** Computes the route table (from scratch; the gateway controller keeps a {@link RouteTableBuilder}). */
export function buildRouteTable(inputs: RouteInputs): RouteTable {
  const { services, endpoints, ...rest } = inputs;
  return new RouteTableBuilder().build({ ...rest, backends: listReader(services, endpoints) });
}
