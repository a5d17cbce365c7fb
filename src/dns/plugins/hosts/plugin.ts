/**
 * The hosts plugin: every DNSRecord's `spec.host` is a small authoritative zone whose apex answers
 * A/AAAA with the gateway address(es), so clients reach the path gateway by name. Names below a
 * host that no record defines get NXDOMAIN; every other name goes on down the chain (forwarding).
 * Answers are built when a host appears, never per query. Until the first list has arrived the
 * set of hosts is unknown, so every name that reaches the plugin gets SERVFAIL rather than a
 * forwarded answer that a host may be about to shadow (CoreDNS answers unsynced names the same).
 */

import { isIP } from "node:net";
import type { Registry } from "prom-client";
import { resourceByPath } from "../../../api/resources.ts";
import type { KubeObject } from "../../../api/types.ts";
import { Informer, type InformerSource } from "../../../client/informer.ts";
import { labelCount } from "../../answers/encode.ts";
import { Freshness } from "../../answers/freshness.ts";
import { NegativeSections } from "../../answers/negative.ts";
import { soaData, soaTtl } from "../../answers/soa.ts";
import type { DnsPlugin, DnsReply, DnsRequest, Next, PluginNote } from "../../plugin.ts";
import { QTYPE, RCODE } from "../../wire/constants.ts";
import { encodeSections } from "../../wire/records.ts";
import type { Sections } from "../../wire/response.ts";
import { HostSet, normalizeHost } from "./host-set.ts";

/** Settings of the plugin. */
export interface HostsPluginOptions {
  /** The API (a RestClient). */
  source: InformerSource;
  /** The gateway address(es): IPv4 ones answer A, IPv6 ones AAAA. */
  addresses: string[];
  /** TTL of the answers (the SOA's minimum too, so negative answers are cached as long). */
  ttl: number;
  /** Shows the informer in this registry's `kdns_informer_*` gauges (component `dns`). */
  metrics?: Registry;
}

/** A DNSRecord reduced to what answering needs (the informer keeps nothing else). */
export interface HostRecord extends KubeObject {
  spec: { host: string };
}

/** Keeps name, namespace, resourceVersion and `spec.host` only. */
export function stripDNSRecord(obj: KubeObject): HostRecord {
  const spec = obj["spec"] as { host?: unknown } | undefined;
  const host = typeof spec?.host === "string" ? normalizeHost(spec.host) : "";
  const meta = obj.metadata;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      ...(meta.name !== undefined ? { name: meta.name } : {}),
      ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
      ...(meta.resourceVersion !== undefined ? { resourceVersion: meta.resourceVersion } : {}),
    },
    spec: { host },
  };
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
  readonly #informer: Informer<HostRecord>;
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
    const info = resourceByPath("kdns.dev", "dnsrecords");
    if (!info) throw new Error("resource dnsrecords missing from the resource table");
    this.#informer = new Informer<HostRecord>(options.source, info, {
      transform: stripDNSRecord,
      ...(options.metrics ? { metrics: { registry: options.metrics, component: "dns" } } : {}),
    });
    this.#informer.on("add", (r) => this.#add(r.spec.host));
    this.#informer.on("update", (old, r) => {
      if (old.spec.host === r.spec.host) return;
      this.#add(r.spec.host);
      this.#remove(old.spec.host);
    });
    this.#informer.on("delete", (r) => this.#remove(r.spec.host));
  }

  /** Starts listing and watching DNSRecords in every namespace until `signal` aborts. */
  start(signal: AbortSignal): void {
    this.#informer.start(signal);
  }

  /** Synced: the first list of DNSRecords is in. */
  ready(): boolean {
    return this.#informer.hasSynced();
  }

  /** Number of distinct hosts served (for tests and metrics). */
  get hosts(): number {
    return this.#hosts.size;
  }

  #add(host: string): void {
    if (!host || !this.#hosts.add(host)) return;
    this.#freshness.bump();
    const data = soaData(host, this.#ttl, this.#serial);
    const ttl = soaTtl(this.#ttl);
    this.#zones.set(host, {
      negative: new NegativeSections(labelCount(host), ttl, data),
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
    if (!this.#informer.hasSynced())
      return { plugin, verdict: "answers", reasons: ["DNSRecords have not synced yet: SERVFAIL"] };
    const { name, qtype } = req.query;
    const match = this.#zones.has(name) ? ({ type: "host", zone: name } as const) : this.#hosts.match(name);
    if (match.type === "none")
      return { plugin, verdict: "passes", reasons: ["no DNSRecord host is this name or above it"] };
    const owners = this.#informer
      .list()
      .filter((r) => r.spec.host === match.zone)
      .map((r) => `DNSRecord ${r.metadata.namespace}/${r.metadata.name}`);
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
        : `no DNSRecord defines ${name}, below host ${match.zone}: NXDOMAIN`;
    return { plugin, verdict: "answers", reasons: [zone, reason], objects };
  }

  serve(req: DnsRequest, next: Next): DnsReply | Promise<DnsReply> {
    if (!this.#informer.hasSynced()) return SERVFAIL;
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
    const rcode = match.type === "empty" ? RCODE.NOERROR : RCODE.NXDOMAIN;
    return { type: "answer", rcode, authoritative: true, sections: zone.negative.get(req.query) };
  }
}
