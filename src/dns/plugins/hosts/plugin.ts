/**
 * The hosts plugin: every host a route source publishes (a DNSRecord's `spec.host`, the hosts of a
 * served Ingress, see sources.ts) is a small authoritative zone whose apex answers A/AAAA with the
 * gateway address(es), so clients reach the path gateway by name. A wildcard host `*.suffix`
 * answers every name under the suffix no other host holds (RFC 4592). Names below a
 * host that no record defines get NXDOMAIN; every other name goes on down the chain (forwarding).
 * Answers are built when a host appears, never per query. Until the first list has arrived the
 * set of hosts is unknown, so every name that reaches the plugin gets SERVFAIL rather than a
 * forwarded answer that a host may be about to shadow (CoreDNS answers unsynced names the same).
 */

import { isIP } from "node:net";
import { isDeepStrictEqual } from "node:util";
import type { Registry } from "prom-client";
import type { Gateway } from "../../../api/gateway-api-types.ts";
import { resourceByPath } from "../../../api/resources.ts";
import type { KubeObject } from "../../../api/types.ts";
import type { Informer, InformerSource } from "../../../client/informer.ts";
import { SharedInformers } from "../../../client/shared-informers.ts";
import { labelCount } from "../../answers/encode.ts";
import { Freshness } from "../../answers/freshness.ts";
import { NegativeSections } from "../../answers/negative.ts";
import { soaData, soaTtl } from "../../answers/soa.ts";
import type { DnsPlugin, DnsReply, DnsRequest, Next, PluginNote } from "../../plugin.ts";
import { QTYPE, RCODE } from "../../wire/constants.ts";
import { encodeSections } from "../../wire/records.ts";
import type { Sections } from "../../wire/response.ts";
import { HostSet } from "./host-set.ts";
import { type GatewayView, gatewayView } from "./route-hosts.ts";
import { DEFAULT_HOST_SOURCES, DNS_RECORD_HOSTS, type HostSource, type JoinedHosts } from "./sources.ts";

/** Settings of the plugin. */
export interface HostsPluginOptions {
  /** The API (a RestClient). */
  source: InformerSource;
  /** The gateway address(es): IPv4 ones answer A, IPv6 ones AAAA. */
  addresses: string[];
  /** TTL of the answers (the SOA's minimum too, so negative answers are cached as long). */
  ttl: number;
  /** Shows the informers in this registry's `kdns_informer_*` gauges (component `dns`). */
  metrics?: Registry;
  /** The kinds whose hosts are answered (default: DNSRecords and Ingresses, sources.ts). */
  sources?: readonly HostSource[];
  /** Share list + watch with the process's other components (`kdns up`); default: the plugin's own. */
  informers?: SharedInformers;
}

/** An object reduced to what answering needs: its identity and the hosts it publishes. */
export interface HostRecord extends KubeObject {
  hosts: string[];
  /** For a source whose names depend on Gateways: those Gateways and how to recompute the names. */
  joined?: JoinedHosts;
}

/** A Gateway reduced to the listeners route names depend on. */
type CachedGateway = KubeObject & GatewayView;

/** Index of the objects of a joined source by the Gateways (`namespace/name`) their names depend on. */
const GATEWAY_INDEX = "gateway";

/** Keeps name, namespace, resourceVersion and the hosts `source` reads from `obj`. */
export function stripToHosts(obj: KubeObject, source: HostSource, gateway: ReadonlySet<string>): HostRecord {
  const meta = obj.metadata;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      ...(meta.name !== undefined ? { name: meta.name } : {}),
      ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
      ...(meta.resourceVersion !== undefined ? { resourceVersion: meta.resourceVersion } : {}),
    },
    hosts: [...new Set(source.hosts(obj, gateway))],
  };
}

/** A DNSRecord reduced to its identity and host. */
export function stripDNSRecord(obj: KubeObject): HostRecord {
  return stripToHosts(obj, DNS_RECORD_HOSTS, new Set());
}

/** Built answers of one host zone. */
interface HostZone {
  negative: NegativeSections;
  /** The SOA itself, for a SOA question at the apex. */
  soa: DnsReply;
}

const SERVFAIL: DnsReply = { type: "answer", rcode: RCODE.SERVFAIL, authoritative: false, sections: undefined };

function answer(sections: Sections): DnsReply {
  return { type: "answer", rcode: RCODE.NOERROR, authoritative: true, sections };
}

/** The plugin. */
export class HostsPlugin implements DnsPlugin {
  readonly name = "hosts";
  readonly #hosts = new HostSet();
  readonly #zones = new Map<string, HostZone>();
  readonly #informers: Informer<HostRecord>[];
  /** The Gateways, when a source's names depend on their listeners (HTTPRoutes). */
  readonly #gateways: Informer<Gateway, CachedGateway> | undefined;
  /** Names it passes on may become its own with the next DNSRecord: memoized forwards must know. */
  readonly #freshness = new Freshness();
  readonly #ttl: number;
  readonly #serial = Math.floor(Date.now() / 1000);
  /** A and AAAA at any apex: owners point at the question, so one answer serves every host. */
  readonly #a: DnsReply | undefined;
  readonly #aaaa: DnsReply | undefined;

  constructor(options: HostsPluginOptions) {
    this.#ttl = options.ttl;
    const v4 = options.addresses.filter((ip) => isIP(ip) === 4);
    const v6 = options.addresses.filter((ip) => isIP(ip) === 6);
    const bad = options.addresses.filter((ip) => isIP(ip) === 0);
    if (bad.length) throw new Error(`hosts plugin: gateway addresses must be IP addresses, got ${JSON.stringify(bad)}`);
    const records = (type: "A" | "AAAA", ips: string[]): DnsReply | undefined =>
      ips.length
        ? answer(encodeSections(ips.map((address) => ({ owner: 12, ttl: options.ttl, data: { type, address } }))))
        : undefined;
    this.#a = records("A", v4);
    this.#aaaa = records("AAAA", v6);
    const gateway = new Set(options.addresses);
    const shared = options.informers ?? new SharedInformers(options.source);
    const measured = options.metrics ? { metrics: { registry: options.metrics, component: "dns" } } : {};
    const sources = options.sources ?? DEFAULT_HOST_SOURCES;
    const gatewayInfo = resourceByPath("gateway.networking.k8s.io", "gateways");
    this.#gateways =
      sources.some((s) => s.joined) && gatewayInfo
        ? shared.informer<Gateway, CachedGateway>(gatewayInfo, {
            ...measured,
            transform: (gw) => ({ apiVersion: gw.apiVersion, kind: gw.kind, metadata: {}, ...gatewayView(gw) }),
            // Only the listeners matter: the gateway's status writes (attachedRoutes) recompute nothing.
            same: (a, b) => isDeepStrictEqual(a.listeners, b.listeners),
          })
        : undefined;
    const listeners = (key: string): GatewayView | undefined => {
      const slash = key.indexOf("/");
      return this.#gateways?.get(key.slice(0, slash), key.slice(slash + 1));
    };
    const joined: Informer<HostRecord>[] = [];
    this.#informers = sources.map((source) => {
      const informer = shared.informer<HostRecord>(source.resource, {
        ...measured,
        transform: (obj) => {
          const record = stripToHosts(obj, source, gateway);
          const names = source.joined?.(obj);
          if (names) {
            record.joined = names;
            record.hosts = [...new Set(names.hosts(listeners))];
          }
          return record;
        },
      });
      if (source.joined) {
        informer.addIndex(GATEWAY_INDEX, (r) => r.joined?.gateways ?? []);
        joined.push(informer);
      }
      informer.on("add", (r) => this.#change([], r.hosts));
      informer.on("update", (old, r) => this.#change(old.hosts, r.hosts));
      informer.on("delete", (r) => this.#change(r.hosts, []));
      return informer;
    });
    // A Gateway's listeners changed (or it came or went): the names of the objects attached to it follow.
    const relink = (namespace: string, name: string): void => {
      for (const informer of joined) {
        for (const { value: r } of informer.byIndex(GATEWAY_INDEX, `${namespace}/${name}`)) {
          const now = [...new Set(r.joined?.hosts(listeners) ?? r.hosts)];
          this.#change(r.hosts, now);
          r.hosts = now;
        }
      }
    };
    this.#gateways?.on("add", (_g, namespace, name) => relink(namespace, name));
    this.#gateways?.on("update", (_old, _g, namespace, name) => relink(namespace, name));
    this.#gateways?.on("delete", (_g, namespace, name) => relink(namespace, name));
  }

  /** Adds the hosts only `now` has and removes those only `before` had. */
  #change(before: readonly string[], now: readonly string[]): void {
    for (const h of now) if (!before.includes(h)) this.#add(h);
    for (const h of before) if (!now.includes(h)) this.#remove(h);
  }

  /** Starts listing and watching the sources in every namespace until `signal` aborts. */
  start(signal: AbortSignal): void {
    for (const informer of this.#informers) informer.start(signal);
    this.#gateways?.start(signal);
  }

  /** Synced: the first list of every source (and of the Gateways, when a source needs them) is in. */
  ready(): boolean {
    return this.#informers.every((i) => i.hasSynced()) && (this.#gateways?.hasSynced() ?? true);
  }

  /** Number of distinct hosts served (for tests and metrics). */
  get hosts(): number {
    return this.#hosts.size;
  }

  #add(host: string): void {
    if (!host || !this.#hosts.add(host)) return;
    this.#freshness.bump();
    // A wildcard's negative answers carry the SOA of the suffix it stands under.
    const apex = host.startsWith("*.") ? host.slice(2) : host;
    const data = soaData(apex, this.#ttl, this.#serial);
    const ttl = soaTtl(this.#ttl);
    this.#zones.set(host, {
      negative: new NegativeSections(labelCount(apex), ttl, data),
      soa: answer(encodeSections([{ owner: 12, ttl, data }])),
    });
  }

  #remove(host: string): void {
    if (!host || !this.#hosts.remove(host)) return;
    this.#zones.delete(host);
    this.#freshness.bump();
  }

  explain(req: DnsRequest): PluginNote {
    const plugin = "hosts";
    if (!this.ready())
      return {
        plugin,
        verdict: "answers",
        reasons: ["host sources (DNSRecords, Ingresses…) have not synced yet: SERVFAIL"],
      };
    const { name, qtype } = req.query;
    const match = this.#zones.has(name) ? ({ type: "host", zone: name } as const) : this.#hosts.match(name);
    if (match.type === "none")
      return {
        plugin,
        verdict: "passes",
        reasons: ["no DNSRecord, Ingress or HTTPRoute host is this name or above it"],
      };
    const owners = this.#informers.flatMap((informer) =>
      informer
        .list()
        .filter((r) => r.hosts.includes(match.zone))
        .map((r) => `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`),
    );
    const zone = `host ${match.zone} belongs to ${owners.join(", ")}`;
    const objects = owners;
    if (match.type === "host") {
      const gives =
        qtype === QTYPE.A && this.#a
          ? "A: the gateway's IPv4 address(es)"
          : qtype === QTYPE.AAAA && this.#aaaa
            ? "AAAA: the gateway's IPv6 address(es)"
            : qtype === QTYPE.SOA
              ? "its SOA"
              : "no records of this type (NODATA)";
      return { plugin, verdict: "answers", reasons: [zone, `the host answers ${gives}`], objects };
    }
    const reason =
      match.type === "empty"
        ? "the name lies between two hosts: it exists with no records (NODATA)"
        : `no host defines ${name}, below host ${match.zone}: NXDOMAIN`;
    return { plugin, verdict: "answers", reasons: [zone, reason], objects };
  }

  serve(req: DnsRequest, next: Next): DnsReply | Promise<DnsReply> {
    if (!this.ready()) return SERVFAIL;
    const { name, qtype } = req.query;
    const apex = this.#zones.get(name);
    if (apex) {
      if (qtype === QTYPE.A && this.#a) return this.#a;
      if (qtype === QTYPE.AAAA && this.#aaaa) return this.#aaaa;
      if (qtype === QTYPE.SOA) return apex.soa;
      return { type: "answer", rcode: RCODE.NOERROR, authoritative: true, sections: apex.negative.get(req.query) };
    }
    const match = this.#hosts.match(name);
    if (match.type === "none") return this.#freshness.tag(next(req));
    const zone = this.#zones.get(match.zone);
    if (!zone) return next(req); // unreachable: zones and hosts change together
    if (match.type === "wildcard") {
      if (qtype === QTYPE.A && this.#a) return this.#a;
      if (qtype === QTYPE.AAAA && this.#aaaa) return this.#aaaa;
      return { type: "answer", rcode: RCODE.NOERROR, authoritative: true, sections: zone.negative.get(req.query) };
    }
    const rcode = match.type === "empty" ? RCODE.NOERROR : RCODE.NXDOMAIN;
    return { type: "answer", rcode, authoritative: true, sections: zone.negative.get(req.query) };
  }
}
