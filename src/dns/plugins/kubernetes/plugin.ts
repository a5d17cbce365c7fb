/**
 * The kubernetes plugin: answers the cluster zone (and PTRs of cluster IPs) from an index fed by
 * list + watch of Services, Endpoints and (for `pods verified`) Pods. Built answers are cached
 * until the data behind them changes. Until the first sync, cluster names get SERVFAIL, never a
 * false NXDOMAIN (CoreDNS TestNotSyncedServeDNS).
 */
import { resourceByPath, type ResourceInfo } from "../../../api/resources.ts";
import type { KubeObject } from "../../../api/types.ts";
import { Informer, namespacePrefix, type InformerSource } from "../../../client/informer.ts";
import { AnswerCache } from "../../answers/answer-cache.ts";
import { encodeAnswer, labelCount } from "../../answers/encode.ts";
import { NegativeSections } from "../../answers/negative.ts";
import { soaTtl } from "../../answers/soa.ts";
import type { DnsPlugin, DnsReply, DnsRequest, Next } from "../../plugin.ts";
import { QTYPE, RCODE } from "../../wire/constants.ts";
import { wireKey } from "../../wire/query.ts";
import { chaseUpstream } from "./chase.ts";
import { stripEndpoints, stripPod, stripService, type EndpointsInfo, type PodInfo, type ServiceInfo, type Stripped } from "./model.ts";
import { inZone, resolve, type ClusterZoneConfig, type PodLookup } from "./resolve.ts";
import { serviceRecords } from "./service-records.ts";
import { soaRecord, zoneRecords } from "./zone-records.ts";
import { ZoneIndex } from "./zone-index.ts";
import { dashedIP } from "./names.ts";

/** Settings of the plugin. */
export interface KubernetesPluginOptions extends ClusterZoneConfig {
  /** The API (a RestClient). */
  source: InformerSource;
  /** Addresses of this DNS server, published as `ns.dns.<zone>`. */
  nsAddresses: string[];
}

function info(group: string, resource: string): ResourceInfo {
  const found = resourceByPath(group, resource);
  if (!found) throw new Error(`resource ${resource} missing from the resource table`);
  return found;
}

/** The plugin. */
export class KubernetesPlugin implements DnsPlugin, PodLookup {
  readonly name = "kubernetes";
  readonly #cfg: ClusterZoneConfig;
  readonly #index: ZoneIndex;
  readonly #cache = new AnswerCache();
  readonly #negative: NegativeSections;
  readonly #services: Informer<Stripped<ServiceInfo>>;
  readonly #endpoints: Informer<Stripped<EndpointsInfo>>;
  readonly #pods: Informer<Stripped<PodInfo>> | undefined;
  readonly #podIPs = new Map<string, number>();

  constructor(options: KubernetesPluginOptions) {
    this.#cfg = { zone: options.zone, ttl: options.ttl, pods: options.pods };
    this.#index = new ZoneIndex([options.zone, "in-addr.arpa", "ip6.arpa"]);
    this.#index.onChange((names) => this.#cache.invalidate(Array.from(names, wireKey)));
    const serial = Math.floor(Date.now() / 1000);
    this.#negative = new NegativeSections(labelCount(options.zone), soaTtl(options.ttl), soaRecord(options.zone, options.ttl, serial).data);
    this.#index.set("", zoneRecords(options.zone, options.ttl, serial, options.nsAddresses));
    this.#services = new Informer<Stripped<ServiceInfo>>(options.source, info("", "services"), { transform: stripService });
    this.#endpoints = new Informer<Stripped<EndpointsInfo>>(options.source, info("", "endpoints"), { transform: stripEndpoints });
    const refresh = (o: { metadata: KubeObject["metadata"] }) => this.#refresh(o.metadata.namespace ?? "", o.metadata.name ?? "");
    for (const inf of [this.#services, this.#endpoints] as unknown as Informer<KubeObject>[]) {
      inf.on("add", refresh);
      inf.on("update", (_old, o) => refresh(o));
      inf.on("delete", refresh);
    }
    if (options.pods === "verified") {
      const pods = new Informer<Stripped<PodInfo>>(options.source, info("", "pods"), { transform: stripPod });
      pods.on("add", (p) => this.#podChanged(undefined, p));
      pods.on("update", (o, p) => this.#podChanged(o, p));
      pods.on("delete", (p) => this.#podChanged(p, undefined));
      this.#pods = pods;
    }
  }

  /** Starts the informers. */
  start(signal: AbortSignal): void {
    this.#services.start(signal);
    this.#endpoints.start(signal);
    this.#pods?.start(signal);
  }

  /** Synced: every informer has its first list. */
  ready(): boolean {
    return this.#services.hasSynced() && this.#endpoints.hasSynced() && (this.#pods?.hasSynced() ?? true);
  }

  /** Number of names in the index (for tests and metrics). */
  get names(): number {
    return this.#index.size;
  }

  /** {@link PodLookup}: a pod with this IP exists in the namespace. */
  hasPod(namespace: string, ip: string): boolean {
    return (this.#podIPs.get(namespacePrefix(namespace) + ip) ?? 0) > 0;
  }

  #refresh(namespace: string, name: string): void {
    const svc = this.#services.get(namespace, name)?.dns;
    const eps = this.#endpoints.get(namespace, name)?.dns;
    this.#index.set(`${namespace}/${name}`, svc ? serviceRecords(svc, eps, this.#cfg.zone) : []);
  }

  #podChanged(before: Stripped<PodInfo> | undefined, after: Stripped<PodInfo> | undefined): void {
    const touched: string[] = [];
    for (const [pod, delta] of [[before, -1], [after, +1]] as const) {
      if (!pod || pod.dns === "") continue;
      const namespace = pod.metadata.namespace ?? "";
      for (const ip of pod.dns.split(",")) {
        const key = namespacePrefix(namespace) + ip;
        const count = (this.#podIPs.get(key) ?? 0) + delta;
        if (count > 0) this.#podIPs.set(key, count);
        else this.#podIPs.delete(key);
        touched.push(`${dashedIP(ip)}.${namespace}.pod.${this.#cfg.zone}`);
      }
    }
    this.#cache.invalidate(touched.map(wireKey));
  }


  serve(req: DnsRequest, next: Next): DnsReply | Promise<DnsReply> {
    const { key, qtype } = req.query;
    // Only names of this zone are ever cached, so a hit needs no zone check.
    const cached = this.#cache.get(key, qtype);
    if (cached) return cached;
    const name = req.query.name;
    const reverse = name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa");
    if (!reverse && !inZone(name, this.#cfg.zone)) return next(req);
    if (!this.ready()) return reverse ? next(req) : { type: "answer", rcode: RCODE.SERVFAIL, authoritative: false, sections: undefined };
    if (qtype === QTYPE.AXFR || qtype === QTYPE.IXFR) return { type: "answer", rcode: RCODE.REFUSED, authoritative: false, sections: undefined };
    const r = resolve(this.#index, this.#cfg, this, name, qtype);
    if (r.type === "next") return next(req);
    if (r.type === "chase") return chaseUpstream(req, next, r.answers, r.target);
    if (r.soa && !r.answers.length) {
      const reply = { type: "answer", rcode: r.rcode, authoritative: true, sections: this.#negative.get(req.query) } as const;
      // NXDOMAIN is not cached per name: a flood of random names must not grow memory.
      if (r.rcode !== RCODE.NXDOMAIN) this.#cache.set(key, qtype, reply);
      return reply;
    }
    const reply = { type: "answer", rcode: r.rcode, authoritative: true, sections: encodeAnswer(req.query, r.answers, r.additionals) } as const;
    this.#cache.set(key, qtype, reply);
    return reply;
  }

}
