/**
 * The DNS flags `kdns up` and `kdns dns` share (each also settable as `KDNS_<FLAG>`), and their
 * parsed form. Validated before anything starts.
 */
import { type Command, InvalidArgumentError } from "commander";
import { flag, parseCidr } from "../flags.ts";

/** How pod records `a-b-c-d.ns.pod.<zone>` are answered (CoreDNS's `pods` option). */
export const POD_MODES = ["disabled", "insecure", "verified"] as const;

/** The default of `--allow-recursion`: loopback and private ranges. */
export const DEFAULT_ALLOW_RECURSION = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";

/** Parsed DNS settings beyond the listen address, zone and upstreams. */
export interface DnsOptions {
  ttl: number;
  pods: (typeof POD_MODES)[number];
  allowRecursion: string[];
  /** Seconds a stale cached answer may be served when upstreams fail (RFC 8767); 0 = off. */
  serveStale: number;
}

function parseTtl(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 2147483647)
    throw new InvalidArgumentError(`expected a TTL in seconds (0-2147483647), got "${value}"`);
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 604800)
    throw new InvalidArgumentError(`expected seconds (0-604800; 0 = off), got "${value}"`);
  return n;
}

function parseCidrList(value: string): string[] {
  const list = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const c of list) parseCidr(c);
  return list;
}

/** Adds `--dns-ttl`, `--pods`, `--allow-recursion` and `--serve-stale`. */
export function addDnsOptionFlags(cmd: Command): Command {
  return cmd
    .addOption(
      flag("--dns-ttl <seconds>", "TTL of cluster-zone and DNSRecord answers", { default: "5", parse: parseTtl }),
    )
    .addOption(
      flag(
        "--pods <mode>",
        "pod records a-b-c-d.<ns>.pod.<zone>: disabled, insecure (any IP), verified (existing pods only)",
        { default: "verified", choices: POD_MODES },
      ),
    )
    .addOption(
      flag(
        "--allow-recursion <cidrs>",
        "clients allowed to use forwarding (others get REFUSED for non-cluster names), comma-separated",
        { default: DEFAULT_ALLOW_RECURSION, parse: parseCidrList },
      ),
    )
    .addOption(
      flag(
        "--serve-stale <seconds>",
        "serve expired cached answers this long when upstreams fail (RFC 8767); 0 = off",
        { default: "0", parse: parseSeconds },
      ),
    );
}

/** Parses the flags {@link addDnsOptionFlags} added (commander's camel-cased keys). */
export function dnsOptions(raw: Record<string, string | undefined>): DnsOptions {
  return {
    ttl: parseTtl(raw["dnsTtl"] ?? "5"),
    pods: (raw["pods"] ?? "verified") as DnsOptions["pods"],
    allowRecursion: parseCidrList(raw["allowRecursion"] ?? DEFAULT_ALLOW_RECURSION),
    serveStale: parseSeconds(raw["serveStale"] ?? "0"),
  };
}
