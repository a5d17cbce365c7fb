/**
 * The DNS flags `kdns up` and `kdns dns` share, each written once with its default from the DNS
 * component's own defaults, and the {@link DnsOptions} they become.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { Command } from "commander";
import type { InformerSource } from "../../client/informer.ts";
import { DNS_DEFAULTS, type DnsOptions, POD_MODES, type PodMode } from "../../dns/index.ts";
import { formatHostPort, type HostPort } from "../../machinery/host-port.ts";
import { flag, hostPortFlag, intFlag, parseCidrList, parseDomain, parseUpstreams } from "../flags.ts";

/** The values of {@link addDnsFlags}, as commander hands them over. */
export interface DnsFlags {
  clusterDomain: string;
  upstream: HostPort[];
  dnsTtl: number;
  pods: PodMode;
  allowRecursion: string[];
  serveStale: number;
  /** `--log-queries` alone is `true` (every query); with a value, every Nth. */
  logQueries?: true | number;
}

/** The IP nameservers of /etc/resolv.conf, comma-separated (the default upstreams); "" when none. */
export function systemNameservers(path = "/etc/resolv.conf"): string {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
      .filter((s): s is string => s !== undefined && isIP(s) !== 0)
      .join(",");
  } catch {
    return "";
  }
}

/** The DNS listen flag; `kdns up` names it `--dns-listen`, `kdns dns` `--listen`. */
export function dnsListenFlag(name: "--dns-listen" | "--listen") {
  return flag(`${name} <host:port>`, "DNS server listen address (UDP and TCP)", {
    default: formatHostPort(DNS_DEFAULTS.listen),
    parse: hostPortFlag,
  });
}

/** `--cluster-domain`, also read by `kdns resolv-conf`. */
export function clusterDomainFlag() {
  return flag("--cluster-domain <domain>", "cluster DNS zone", {
    default: DNS_DEFAULTS.clusterDomain,
    parse: parseDomain,
  });
}

/**
 * Adds `--cluster-domain`, `--upstream`, `--dns-ttl`, `--pods`, `--allow-recursion`, `--serve-stale`
 * and `--log-queries`.
 */
export function addDnsFlags(cmd: Command): Command {
  return cmd
    .addOption(clusterDomainFlag())
    .addOption(
      flag("--upstream <servers>", "upstream DNS servers, comma-separated (ip or ip:port), or none", {
        default: systemNameservers() || "none",
        parse: parseUpstreams,
      }),
    )
    .addOption(
      flag("--dns-ttl <seconds>", "TTL of cluster-zone and DNSRecord answers", {
        default: String(DNS_DEFAULTS.ttl),
        parse: intFlag("a TTL in seconds", 0, 2147483647),
      }),
    )
    .addOption(
      flag(
        "--pods <mode>",
        "pod records a-b-c-d.<ns>.pod.<zone>: disabled, insecure (any IP), verified (existing pods only)",
        { default: DNS_DEFAULTS.pods, choices: POD_MODES },
      ),
    )
    .addOption(
      flag(
        "--allow-recursion <cidrs>",
        "clients allowed to use forwarding (others get REFUSED for non-cluster names), comma-separated",
        { default: DNS_DEFAULTS.allowRecursion.join(","), parse: parseCidrList },
      ),
    )
    .addOption(
      flag(
        "--serve-stale <seconds>",
        "serve expired cached answers this long when upstreams fail (RFC 8767); 0 = off",
        {
          default: String(DNS_DEFAULTS.serveStale),
          parse: intFlag("seconds (0 = off)", 0, 604800),
        },
      ),
    )
    .addOption(
      flag(
        "--log-queries [sample]",
        "log answered queries on stdout in CoreDNS's log plugin format, all or every SAMPLEth (default: off)",
        { parse: intFlag("a sample (log every Nth query)", 1, 1_000_000_000) },
      ),
    );
}

/** The {@link DnsOptions} the flags say, listening on `listen`, with DNSRecord hosts at `gatewayAddress`. */
export function dnsOptionsOf(
  flags: DnsFlags,
  source: InformerSource,
  listen: HostPort,
  gatewayAddress: string,
): DnsOptions {
  return {
    source,
    listen,
    clusterDomain: flags.clusterDomain,
    upstream: flags.upstream,
    ttl: flags.dnsTtl,
    pods: flags.pods,
    allowRecursion: flags.allowRecursion,
    serveStale: flags.serveStale,
    gatewayAddresses: [gatewayAddress],
    ...(flags.logQueries !== undefined
      ? { queryLog: { sample: flags.logQueries === true ? 1 : flags.logQueries } }
      : {}),
  };
}
