/**
 * The flags of `kdns up` and `kdns apiserver`, their defaults, and their parsed form. Everything is
 * validated here, before any part starts, so a bad flag never leaves a half-started process.
 */
import { readFileSync } from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import { flag, type HostPort, parseCidr, parseHostPort, parseIp, parseUpstreams, parseUrlList } from "./flags.ts";
import { addDnsOptionFlags, type DnsOptions, dnsOptions } from "./parts/dns-flags.ts";
import { addGatewayEngineFlags, gatewayEngineConfig } from "./parts/gateway.ts";

/** Storage backends. */
export const STORES = ["embedded", "memory", "etcd"] as const;
/** Gateway kinds. */
export const GATEWAYS = ["builtin", "nginx", "none"] as const;

/** Parsed configuration of the control plane parts. */
export interface UpConfig {
  apiListen: HostPort;
  store: (typeof STORES)[number];
  dataDir: string;
  etcdEndpoints: string[];
  etcdPrefix: string;
  serviceCidr: string;
  tokenFile?: string;
  /** Serving certificate and key (PEM files) of the API server; both or neither. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  dnsListen: HostPort;
  clusterDomain: string;
  upstream: HostPort[];
  /** DNS TTL, pod mode, recursion ACL, serve-stale. */
  dns: DnsOptions;
  gateway: (typeof GATEWAYS)[number];
  gatewayListen: HostPort;
  gatewayAddress?: string;
  /** `--nginx`: the nginx binary of the nginx engine. */
  nginxBinary?: string;
  /** SkyDNS publishing of DNSRecord hosts (gateway); off when unset. */
  skydnsEtcdEndpoints?: string[];
  skydnsPrefix?: string;
}

/** The nameservers of /etc/resolv.conf (the default upstreams), or 127.0.0.53's absence: none. */
export function systemNameservers(path = "/etc/resolv.conf"): string {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
      .filter((s): s is string => s !== undefined)
      .join(",");
  } catch {
    return "";
  }
}

/** Adds the storage and API server flags. */
export function addApiFlags(cmd: Command): Command {
  return cmd
    .addOption(
      flag("--api-listen <host:port>", "API server listen address", {
        default: "127.0.0.1:6443",
        parse: parseHostPort,
      }),
    )
    .addOption(flag("--store <type>", "storage backend", { default: "embedded", choices: STORES }))
    .addOption(flag("--data-dir <dir>", "where the embedded store keeps its files", { default: "./.kdns" }))
    .addOption(
      flag("--etcd-endpoints <urls>", "etcd client URLs, comma-separated (with --store etcd)", {
        default: "http://127.0.0.1:2379",
        parse: parseUrlList,
      }),
    )
    .addOption(flag("--etcd-prefix <prefix>", "key prefix in etcd", { default: "/registry/" }))
    .addOption(
      flag("--service-cidr <cidr>", "range cluster IPs are allocated from", {
        default: "10.96.0.0/12",
        parse: parseCidr,
      }),
    )
    .addOption(
      flag(
        "--token-file <path>",
        "bearer tokens the API server accepts, one per line (token[,user[,uid]]); default: no authentication",
      ),
    )
    .addOption(
      flag(
        "--tls-cert-file <path>",
        "serve the API over HTTPS with this PEM certificate (chain); default: with --token-file, one generated in <data-dir>/pki",
      ),
    )
    .addOption(flag("--tls-private-key-file <path>", "PEM private key of --tls-cert-file"));
}

/** Adds the DNS and gateway flags (`kdns up` only). */
export function addDnsGatewayFlags(cmd: Command): Command {
  addDnsOptionFlags(cmd);
  cmd
    .addOption(
      flag("--dns-listen <host:port>", "DNS server listen address (UDP and TCP)", {
        default: "127.0.0.1:1053",
        parse: parseHostPort,
      }),
    )
    .addOption(flag("--cluster-domain <domain>", "cluster DNS zone", { default: "cluster.local", parse: parseDomain }))
    .addOption(
      flag("--upstream <servers>", "upstream DNS servers, comma-separated (ip or ip:port)", {
        default: systemNameservers() || "none",
        parse: parseUpstreamFlag,
      }),
    )
    .addOption(flag("--gateway <kind>", "path gateway for DNSRecord hosts", { default: "builtin", choices: GATEWAYS }))
    .addOption(
      flag("--gateway-listen <host:port>", "gateway listen address", {
        default: "127.0.0.1:8080",
        parse: parseHostPort,
      }),
    )
    .addOption(
      flag("--gateway-address <ip>", "IP that DNSRecord hosts resolve to (default: the --gateway-listen host)", {
        parse: parseIp,
      }),
    );
  return addGatewayEngineFlags(cmd);
}

/** `--upstream`: `none` or comma-separated servers. */
export function parseUpstreamFlag(value: string): HostPort[] {
  return value === "none" ? [] : parseUpstreams(value);
}

/** Validates a DNS domain such as cluster.local; returns it without a trailing dot. */
export function parseDomain(value: string): string {
  if (!/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.?$/.test(value)) {
    throw new InvalidArgumentError(`expected a DNS domain such as cluster.local, got "${value}"`);
  }
  return value.replace(/\.$/, "");
}

/** `--tls-cert-file` and `--tls-private-key-file`, which only make sense together. */
function tlsFiles(raw: RawUpFlags): Pick<UpConfig, "tlsCertFile" | "tlsKeyFile"> {
  const cert = raw.tlsCertFile || undefined;
  const key = raw.tlsPrivateKeyFile || undefined;
  if ((cert === undefined) !== (key === undefined)) {
    throw new InvalidArgumentError(
      `--tls-cert-file and --tls-private-key-file go together, got only ${cert !== undefined ? "--tls-cert-file" : "--tls-private-key-file"}`,
    );
  }
  return cert !== undefined && key !== undefined ? { tlsCertFile: cert, tlsKeyFile: key } : {};
}

/** The raw (string) flag values commander hands over. */
export type RawUpFlags = Record<string, string | undefined>;

/** Parses the validated flag strings into an {@link UpConfig}. */
export function upConfig(raw: RawUpFlags): UpConfig {
  const s = (k: string, d = ""): string => raw[k] ?? d;
  const listen = parseHostPort(s("gatewayListen", "127.0.0.1:8080"));
  return {
    apiListen: parseHostPort(s("apiListen", "127.0.0.1:6443")),
    store: s("store", "embedded") as UpConfig["store"],
    dataDir: s("dataDir", "./.kdns"),
    etcdEndpoints: parseUrlList(s("etcdEndpoints", "http://127.0.0.1:2379")),
    etcdPrefix: s("etcdPrefix", "/registry/"),
    serviceCidr: parseCidr(s("serviceCidr", "10.96.0.0/12")),
    ...(raw.tokenFile ? { tokenFile: raw.tokenFile } : {}),
    ...tlsFiles(raw),
    dnsListen: parseHostPort(s("dnsListen", "127.0.0.1:1053")),
    clusterDomain: parseDomain(s("clusterDomain", "cluster.local")),
    upstream: parseUpstreamFlag(s("upstream", "none")),
    dns: dnsOptions(raw),
    gateway: s("gateway", "builtin") as UpConfig["gateway"],
    gatewayListen: listen,
    ...(raw.gatewayAddress ? { gatewayAddress: raw.gatewayAddress } : {}),
    ...gatewayEngineConfig(raw),
  };
}
