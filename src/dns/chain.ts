/**
 * Builds the DNS plugin chain from options: each plugin from its settings, then the one fixed
 * order of plugins/order.ts. Nothing here does IO; `start` starts every plugin that runs
 * something. Without upstreams there is no cache or forward: names nobody owns get SERVFAIL.
 */
import { isIP } from "node:net";
import type { Registry } from "prom-client";
import type { InformerSource } from "../client/informer.ts";
import { SharedInformers } from "../client/shared-informers.ts";
import { type HostPort, isWildcard } from "../machinery/host-port.ts";
import type { DnsEvents } from "./events.ts";
import type { DnsServerLabels } from "./metric-labels.ts";
import type { PodMode } from "./options.ts";
import { type ChainTrace, chain, type DnsPlugin, type Next } from "./plugin.ts";
import { RecursionAclPlugin } from "./plugins/acl/plugin.ts";
import { CachePlugin } from "./plugins/cache/plugin.ts";
import { exchangeUdp } from "./plugins/forward/exchange.ts";
import { ForwardPlugin } from "./plugins/forward/plugin.ts";
import { HostsPlugin } from "./plugins/hosts/plugin.ts";
import { KubernetesPlugin } from "./plugins/kubernetes/plugin.ts";
import { LoopPlugin, type ProbeOutcome } from "./plugins/loop/plugin.ts";
import { instanceToken } from "./plugins/loop/token.ts";
import { inPluginOrder } from "./plugins/order.ts";
import { RCODE } from "./wire/constants.ts";

/** What the chain is built from: {@link DnsOptions} with every default filled in. */
export interface ChainConfig {
  source: InformerSource;
  informers?: SharedInformers;
  listen: HostPort;
  clusterDomain: string;
  upstream: readonly HostPort[];
  ttl: number;
  pods: PodMode;
  allowRecursion: readonly string[];
  serveStale: number;
  gatewayAddresses: readonly string[];
  forwardTimeoutMs?: number;
  /** Where plugins that count things register their families. */
  metrics?: { registry: Registry; labels: DnsServerLabels };
  /** Where the informers' `kdns_informer_*` gauges go when `metrics` is not given (they cost no query anything). */
  informerMetrics?: Registry;

  /** Where forwarding loops and upstreams going down or up are reported. */
  events?: DnsEvents;
}

/** The built chain and its plugins. */
export interface DnsChain {
  plugins: DnsPlugin[];
  next: Next;
  /** Where each query got to in `next` (see ChainTrace); `plugins.length` means the end of the chain. */
  trace: ChainTrace;
  /** Starts every plugin that runs something (watches, probes) until `signal` aborts. */
  start(signal: AbortSignal): void;
  /** Every plugin ready (informers synced). */
  ready(): boolean;
  close(): Promise<void>;
  /**
   * Probes every upstream for a forwarding loop (the loop plugin); a looping upstream is no longer
   * forwarded to. Absent without upstreams.
   */
  probeLoops?: (signal: AbortSignal) => Promise<ProbeOutcome[]>;
}

/** The end of the chain: a name nobody owns and nowhere to forward it (no upstreams). */
const servfail: Next = () => ({ type: "answer", rcode: RCODE.SERVFAIL, authoritative: false, sections: undefined });

/** The listen IP published as the zone's nameserver, unless it is a wildcard address. */
function nsAddresses(listen: HostPort): string[] {
  return isIP(listen.host) !== 0 && !isWildcard(listen.host) ? [listen.host] : [];
}

/** Builds the plugins in order; throws for a bad setting or an upstream that is this server. */
export function buildChain(config: ChainConfig): DnsChain {
  const { source } = config;
  // The two plugins share list + watch too (DNS run alone has its own).
  const informers = config.informers ?? new SharedInformers(source);
  const gauges = config.informerMetrics ?? config.metrics?.registry;
  const plugins: DnsPlugin[] = [
    new KubernetesPlugin({
      source,
      zone: config.clusterDomain,
      ttl: config.ttl,
      pods: config.pods,
      nsAddresses: nsAddresses(config.listen),
      informers,
      ...(config.metrics ? { metrics: config.metrics.registry } : {}),
      ...(gauges ? { informerMetrics: gauges } : {}),
    }),
    new HostsPlugin({
      source,
      addresses: [...config.gatewayAddresses],
      ttl: config.ttl,
      informers,
      ...(gauges ? { metrics: gauges } : {}),
    }),
    new RecursionAclPlugin({ allow: [...config.allowRecursion] }),
  ];
  let loop: LoopPlugin | undefined;
  if (config.upstream.length > 0) {
    const upstreams = config.upstream.map((u) => ({ host: u.host, port: u.port }));
    const timeout = config.forwardTimeoutMs !== undefined ? { timeoutMs: config.forwardTimeoutMs } : {};
    // With port 0 the port is not known yet, and a free port cannot be an upstream's.
    const forward = new ForwardPlugin({
      upstreams,
      selfAddresses: config.listen.port !== 0 ? [config.listen] : [],
      ...timeout,
      ...(config.metrics ? { metrics: config.metrics.registry } : {}),
      ...(config.events ? { onHealthChange: config.events.upstreamHealth.bind(config.events) } : {}),
    });
    // The loop plugin probes through forward's own exchange and tells forward what loops.
    loop = new LoopPlugin({
      upstreams,
      exchange: exchangeUdp,
      token: instanceToken(config.listen.port),
      onLoop: (found) => {
        forward.markLooped(found.upstream);
        config.events?.forwardingLoop(found.upstream, found.how);
      },
      ...timeout,
    });
    const cacheMetrics = config.metrics ? { metrics: config.metrics } : {};
    plugins.push(loop, new CachePlugin({ serveStale: config.serveStale, ...cacheMetrics }), forward);
  }
  const ordered = inPluginOrder(plugins);
  const trace: ChainTrace = { reached: ordered.length };
  return {
    plugins: ordered,
    next: chain(ordered, servfail, trace),
    trace,
    start: (signal) => {
      for (const p of ordered) p.start?.(signal);
    },
    ready: () => ordered.every((p) => p.ready?.() ?? true),
    close: async () => {
      for (const p of [...ordered].reverse()) await p.close?.();
    },
    ...(loop ? { probeLoops: (signal: AbortSignal) => loop.probe(signal) } : {}),
  };
}
