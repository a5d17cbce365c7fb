/**
 * Builds the DNS plugin chain from configuration: each plugin from its settings, then the one
 * fixed order of src/dns/plugins/order.ts. Nothing here does IO; `start` begins the watches.
 * Without upstreams there is no cache or forward: names nobody owns get SERVFAIL.
 */
import { isIP } from "node:net";
import type { InformerSource } from "../../client/informer.ts";
import { chain, type DnsPlugin, type Next } from "../../dns/plugin.ts";
import { RecursionAclPlugin } from "../../dns/plugins/acl/plugin.ts";
import { CachePlugin } from "../../dns/plugins/cache/plugin.ts";
import { exchangeUdp } from "../../dns/plugins/forward/exchange.ts";
import { ForwardPlugin } from "../../dns/plugins/forward/plugin.ts";
import { HostsPlugin } from "../../dns/plugins/hosts/plugin.ts";
import { KubernetesPlugin } from "../../dns/plugins/kubernetes/plugin.ts";
import { LoopPlugin, type ProbeOutcome } from "../../dns/plugins/loop/plugin.ts";
import { instanceToken } from "../../dns/plugins/loop/token.ts";
import { inPluginOrder } from "../../dns/plugins/order.ts";
import { RCODE } from "../../dns/wire/constants.ts";
import type { HostPort } from "../flags.ts";
import type { DnsOptions } from "./dns-flags.ts";

/** What the chain is built from. */
export interface DnsChainConfig extends DnsOptions {
  listen: HostPort;
  clusterDomain: string;
  upstream: HostPort[];
  /** The address DNSRecord hosts resolve to. */
  gatewayAddresses: string[];
  /** Per-upstream timeout of forwarding (the forward plugin's default when absent). */
  forwardTimeoutMs?: number;
}

/** The built chain and its plugins. */
export interface DnsChain {
  plugins: DnsPlugin[];
  next: Next;
  /** Starts every plugin's watches. */
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
  return isIP(listen.host) !== 0 && listen.host !== "0.0.0.0" && listen.host !== "::" ? [listen.host] : [];
}

/** Builds the plugins in order. */
export function buildDnsChain(config: DnsChainConfig, source: InformerSource): DnsChain {
  const kubernetes = new KubernetesPlugin({
    source,
    zone: config.clusterDomain,
    ttl: config.ttl,
    pods: config.pods,
    nsAddresses: nsAddresses(config.listen),
  });
  const hosts = new HostsPlugin({ source, addresses: config.gatewayAddresses, ttl: config.ttl });
  const starters: ((signal: AbortSignal) => void)[] = [(s) => kubernetes.start(s), (s) => hosts.start(s)];
  const plugins: DnsPlugin[] = [kubernetes, hosts, new RecursionAclPlugin({ allow: config.allowRecursion })];
  let loop: LoopPlugin | undefined;
  if (config.upstream.length > 0) {
    const timeout = config.forwardTimeoutMs !== undefined ? { timeoutMs: config.forwardTimeoutMs } : {};
    const forward = new ForwardPlugin({
      upstreams: config.upstream,
      selfAddresses: config.listen.port !== 0 ? [config.listen] : [],
      ...timeout,
    });
    // The loop plugin probes through forward's own exchange and tells forward what loops.
    loop = new LoopPlugin({
      upstreams: config.upstream,
      exchange: exchangeUdp,
      token: instanceToken(config.listen.port),
      onLoop: (found) => void forward.markLooped(found.upstream),
      ...timeout,
    });
    plugins.push(loop, new CachePlugin({ serveStale: config.serveStale }), forward);
  }
  const ordered = inPluginOrder(plugins);
  return {
    plugins: ordered,
    next: chain(ordered, servfail),
    start: (signal) => {
      for (const s of starters) s(signal);
    },
    ready: () => ordered.every((p) => p.ready?.() ?? true),
    close: async () => {
      for (const p of [...ordered].reverse()) await p.close?.();
    },
    ...(loop ? { probeLoops: (signal: AbortSignal) => loop.probe(signal) } : {}),
  };
}
