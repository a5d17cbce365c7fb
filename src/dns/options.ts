/**
 * What the DNS server is built from, and every default in one place (as a CoreDNS plugin's setup
 * holds its defaults): the CLI's flags show these values and the tests start from them.
 */
import type { Registry } from "prom-client";
import type { EventSink } from "../client/event-recorder.ts";
import type { InformerSource } from "../client/informer.ts";
import type { SharedInformers } from "../client/shared-informers.ts";
import type { HostPort } from "../machinery/host-port.ts";
import { DEFAULT_RECURSION_ALLOW } from "./plugins/acl/plugin.ts";
import type { TcpLimits } from "./server/tcp.ts";

/** How pod records `a-b-c-d.ns.pod.<zone>` are answered (CoreDNS's `pods` option). */
export const POD_MODES = ["disabled", "insecure", "verified"] as const;

/** One of {@link POD_MODES}. */
export type PodMode = (typeof POD_MODES)[number];

/** The defaults of {@link DnsOptions}. */
export const DNS_DEFAULTS = {
  listen: { host: "127.0.0.1", port: 1053 },
  clusterDomain: "cluster.local",
  ttl: 5,
  pods: "verified" as PodMode,
  allowRecursion: DEFAULT_RECURSION_ALLOW,
  serveStale: 0,
  /** How long a start waits for the forwarding-loop probes before serving anyway. */
  loopCheckWaitMs: 1000,
} as const;

/** Everything {@link startDns} needs; what is optional has its value in {@link DNS_DEFAULTS}. */
export interface DnsOptions {
  /** Where Services, Endpoints, Pods and DNSRecords are listed and watched from. */
  source: InformerSource;
  /** Share list + watch with the process's other components (`kdns up`); default: DNS's own. */
  informers?: SharedInformers;
  /** UDP and TCP listen address; port 0 picks a free one. */
  listen?: HostPort;
  /** The cluster zone, without a trailing dot. */
  clusterDomain?: string;
  /** Resolvers that names outside kdns's data go to; none: such names get SERVFAIL. */
  upstream?: readonly HostPort[];
  /** TTL of cluster-zone and DNSRecord answers, in seconds. */
  ttl?: number;
  pods?: PodMode;
  /** CIDRs of clients allowed to use forwarding (others get REFUSED for names kdns does not own). */
  allowRecursion?: readonly string[];
  /** Seconds a stale cached answer may be served when upstreams fail (RFC 8767); 0 = off. */
  serveStale?: number;
  /** The addresses DNSRecord hosts resolve to (the gateway's). */
  gatewayAddresses?: readonly string[];
  /** Per-upstream timeout of forwarding (the forward plugin's default when absent). */
  forwardTimeoutMs?: number;
  tcp?: TcpLimits;
  /** Bind with SO_REUSEPORT so worker processes share the port. */
  reusePort?: boolean;
  /** See {@link DNS_DEFAULTS}.loopCheckWaitMs. */
  loopCheckWaitMs?: number;
  /** Where the CoreDNS-named metrics go (none: nothing is counted, and the hot path pays nothing). */
  metrics?: Registry;
  /** Where the informers' `kdns_informer_*` gauges go when `metrics` is not given (they cost no query anything). */
  informerMetrics?: Registry;

  /** Where forwarding loops and upstreams going down or up are reported as Events (default: nowhere). */
  events?: EventSink;
  /** Log every `sample`th answered query in CoreDNS's `log` format to `write` (default stdout). */
  queryLog?: { sample: number; write?: (line: string) => void };
}
