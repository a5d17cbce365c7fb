/**
 * The kubernetes plugin: answers the cluster zone (and PTRs of cluster IPs) from stripped
 * Services, Endpoints and (for `pods verified`) pod IPs, kept by list + watch (see
 * cluster-records.ts). Built answers are cached until the data behind them changes. Until the first sync, cluster names get SERVFAIL, never a
 * false NXDOMAIN (CoreDNS TestNotSyncedServeDNS).
 */
import type { Registry } from "prom-client";
import { type ResourceInfo, resourceByPath } from "../../../api/resources.ts";
import type { KubeObject } from "../../../api/types.ts";
import { TRIGGER_TIME_ANNOTATION } from "../../../api/well-known.ts";
import type { Informer, InformerSource } from "../../../client/informer.ts";
import { SharedInformers } from "../../../client/shared-informers.ts";
import { AnswerCache, type CachedAnswer } from "../../answers/answer-cache.ts";
import { encodeAnswer, labelCount } from "../../answers/encode.ts";
import { Freshness } from "../../answers/freshness.ts";
import { NegativeSections } from "../../answers/negative.ts";
import { soaTtl } from "../../answers/soa.ts";
import type { DnsPlugin, DnsReply, DnsRequest, Next, PluginNote } from "../../plugin.ts";
import { QTYPE, RCODE } from "../../wire/constants.ts";
import { wireKey } from "../../wire/query.ts";
import { chaseUpstream } from "./chase.ts";
import { ClusterRecords, type ServiceState } from "./cluster-records.ts";
import { explainCluster } from "./explain.ts";
import { ProgrammingMetrics } from "./metrics.ts";
import { type EndpointsInfo, type ServiceInfo, sameInfo, stripEndpoints, stripPod, stripService } from "./model.ts";
import { dashedIP } from "./names.ts";
import { PodAddresses, type PodInfo } from "./pod-addresses.ts";
import { type ClusterZoneConfig, inZone, resolve } from "./resolve.ts";
import { soaRecord, zoneRecords } from "./zone-records.ts";

/** Settings of the plugin. */
export interface KubernetesPluginOptions extends ClusterZoneConfig {
  /** The API (a RestClient). */
  source: InformerSource;
  /** Addresses of this DNS server, published as `ns.dns.<zone>`. */
  nsAddresses: string[];
  /** Measures `coredns_kubernetes_dns_programming_duration_seconds` here (default: not measured). */
  metrics?: Registry;
  /** Shows the informers in this registry's `kdns_informer_*` gauges (component `dns`; default: not shown). */
  informerMetrics?: Registry;
  /** Share list + watch with the process's other components (`kdns up`); default: the plugin's own. */
  informers?: SharedInformers;
}

function info(group: string, resource: string): ResourceInfo {
  const found = resourceByPath(group, resource);
  if (!found) throw new Error(`resource ${resource} missing from the resource table`);
  return found;
}

/** The plugin. */
export class KubernetesPlugin implements DnsPlugin {
  readonly name = "kubernetes";
  readonly #cfg: ClusterZoneConfig;
  readonly #records: ClusterRecords;
  readonly #cache = new AnswerCache();
  readonly #negative: NegativeSections;
  readonly #services: Informer<KubeObject, ServiceInfo>;
  readonly #endpoints: Informer<KubeObject, EndpointsInfo>;
  readonly #pods: Informer<KubeObject, PodInfo> | undefined;
  readonly #podAddresses = new PodAddresses();
  readonly #freshness = new Freshness();
  readonly #programming: ProgrammingMetrics | undefined;
  /** The trigger time of the Endpoints object being applied (its transform runs just before its handler). */
  #trigger: number | undefined;

  constructor(options: KubernetesPluginOptions) {
    this.#cfg = { zone: options.zone, ttl: options.ttl, pods: options.pods };
    const serial = Math.floor(Date.now() / 1000);
    this.#negative = new NegativeSections(
      labelCount(options.zone),
      soaTtl(options.ttl),
      soaRecord(options.zone, options.ttl, serial).data,
    );
    const measured = options.informerMetrics
      ? { metrics: { registry: options.informerMetrics, component: "dns" } }
      : {};
    const shared = options.informers ?? new SharedInformers(options.source);
    this.#services = shared.informer(info("", "services"), {
      transform: stripService,
      same: sameInfo,
      ...measured,
    });
    this.#programming = options.metrics ? new ProgrammingMetrics(options.metrics) : undefined;
    this.#endpoints = shared.informer(info("", "endpoints"), {
      transform: this.#programming
        ? (obj) => {
            const at = Date.parse(obj.metadata.annotations?.[TRIGGER_TIME_ANNOTATION] ?? "");
            this.#trigger = Number.isNaN(at) ? undefined : at;
            return stripEndpoints(obj);
          }
        : stripEndpoints,
      same: sameInfo,
      ...measured,
    });
    this.#records = new ClusterRecords(
      options.zone,
      zoneRecords(options.zone, options.ttl, serial, options.nsAddresses),
      {
        service: (namespace, name) => this.#services.get(namespace, name),
        endpoints: (namespace, name) => this.#endpoints.get(namespace, name),
        hasPod: (namespace, ip) => this.#podAddresses.has(namespace, ip),
      },
    );
    // Each change passes how the Service and its Endpoints were before it.
    const eps = (namespace: string, name: string) => this.#endpoints.get(namespace, name);
    const svc = (namespace: string, name: string) => this.#services.get(namespace, name);
    this.#services.on("add", (_s, ns, name) => this.#changed(ns, name, { svc: undefined, eps: eps(ns, name) }));
    this.#services.on("update", (old, _s, ns, name) => this.#changed(ns, name, { svc: old, eps: eps(ns, name) }));
    this.#services.on("delete", (old, ns, name) => this.#changed(ns, name, { svc: old, eps: eps(ns, name) }));
    this.#endpoints.on("add", (_e, ns, name) => {
      this.#changed(ns, name, { svc: svc(ns, name), eps: undefined });
      this.#programmed(ns, name);
    });
    this.#endpoints.on("update", (old, _e, ns, name) => {
      this.#changed(ns, name, { svc: svc(ns, name), eps: old });
      this.#programmed(ns, name);
    });
    this.#endpoints.on("delete", (old, ns, name) => this.#changed(ns, name, { svc: svc(ns, name), eps: old }));
    if (options.pods === "verified") {
      const pods = shared.informer(info("", "pods"), {
        transform: stripPod,
        same: (a, b) => a === b,
        ...measured,
      });
      pods.on("add", (p, namespace) => this.#podChanged(namespace, "", p));
      pods.on("update", (o, p, namespace) => this.#podChanged(namespace, o, p));
      pods.on("delete", (p, namespace) => this.#podChanged(namespace, p, ""));
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

  #changed(namespace: string, name: string, before: ServiceState): void {
    this.#freshness.bump();
    const reverse = this.#records.changed(namespace, name, before);
    this.#cache.invalidateGroup(`${namespace}/${name}`);
    if (this.#cache.size > 0) this.#cache.invalidate(reverse.map(wireKey));
  }

  /**
   * Measures how long the Endpoints change just applied took to get here, once synced (the first
   * list brings old changes, not new ones). Only the endpoints controller writes the trigger time,
   * so a headless Service with one has a selector.
   */
  #programmed(namespace: string, name: string): void {
    const at = this.#trigger;
    this.#trigger = undefined;
    if (at === undefined || !this.#programming || !this.#endpoints.hasSynced()) return;
    const kind = this.#services.get(namespace, name)?.kind;
    if (kind === "cluster-ip") this.#programming.programmed("cluster_ip", at, Date.now());
    else if (kind === "headless") this.#programming.programmed("headless_with_selector", at, Date.now());
  }

  /** A pod's IPs went from `before` to `after`. */
  #podChanged(namespace: string, before: PodInfo, after: PodInfo): void {
    const touched = [
      ...this.#podAddresses.change(namespace, before, -1),
      ...this.#podAddresses.change(namespace, after, +1),
    ];
    // Only a name that was answered can be cached, so there is nothing to drop before the first query.
    if (this.#cache.size === 0 || touched.length === 0) return;
    this.#cache.invalidate(touched.map((ip) => wireKey(`${dashedIP(ip)}.${namespace}.pod.${this.#cfg.zone}`)));
  }

  explain(req: DnsRequest): PluginNote {
    const { name, qtype } = req.query;
    this.#records.takeRead();
    const outcome = resolve(this.#records, this.#cfg, name, qtype);
    this.#records.takeRead();
    const view = {
      cfg: this.#cfg,
      services: () => this.#services.list(),
      service: (ns: string, n: string) => this.#services.get(ns, n),
      endpoints: (ns: string, n: string) => this.#endpoints.get(ns, n),
      hasPod: (ns: string, ip: string) => this.#podAddresses.has(ns, ip),
      pointerOwners: (n: string) => this.#records.pointerOwners(n),
    };
    return explainCluster(view, name, outcome, this.ready());
  }

  serve(req: DnsRequest, next: Next): DnsReply | Promise<DnsReply> {
    const { key, qtype } = req.query;
    // Only names of this zone are ever cached, so a hit needs no zone check.
    const cached = this.#cache.get(key, qtype);
    if (cached) return cached;
    const name = req.query.name;
    const reverse = name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa");
    if (!reverse && !inZone(name, this.#cfg.zone)) return next(req);
    if (!this.ready())
      return reverse
        ? this.#freshness.tag(next(req))
        : { type: "answer", rcode: RCODE.SERVFAIL, authoritative: false, sections: undefined };
    if (qtype === QTYPE.AXFR || qtype === QTYPE.IXFR)
      return { type: "answer", rcode: RCODE.REFUSED, authoritative: false, sections: undefined };
    this.#records.takeRead();
    const r = resolve(this.#records, this.#cfg, name, qtype);
    const read = this.#records.takeRead();
    // Only reverse names are passed on: a new Service may own one at any moment.
    if (r.type === "next") return this.#freshness.tag(next(req));
    if (r.type === "chase") return chaseUpstream(req, next, r.answers, r.target);
    if (r.soa && !r.answers.length) {
      const sections = this.#negative.get(req.query);
      // NXDOMAIN is not cached per name: a flood of random names must not grow memory.
      if (r.rcode === RCODE.NXDOMAIN) return { type: "answer", rcode: r.rcode, authoritative: true, sections };
      const reply: CachedAnswer = { type: "answer", rcode: r.rcode, authoritative: true, sections, stale: false };
      this.#cache.set(key, qtype, reply, read);
      return reply;
    }
    const reply: CachedAnswer = {
      type: "answer",
      rcode: r.rcode,
      authoritative: true,
      sections: encodeAnswer(req.query, r.answers, r.additionals),
      stale: false,
    };
    this.#cache.set(key, qtype, reply, read);
    return reply;
  }
}
