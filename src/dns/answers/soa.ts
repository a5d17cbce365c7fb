/** The SOA every kdns-served zone publishes, in one place so the cluster zone and host zones agree. */
import type { RecordData } from "../wire/records.ts";

/**
 * SOA data of `zone` as CoreDNS writes it: `ns.dns.<zone> hostmaster.<zone> serial 7200 1800
 * 86400 ttl` (the minimum is the record TTL, which RFC 2308 §4 makes the negative-cache TTL).
 */
export function soaData(zone: string, ttl: number, serial: number): RecordData {
  return {
    type: "SOA",
    mname: `ns.dns.${zone}`,
    rname: `hostmaster.${zone}`,
    serial,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: ttl,
  };
}

/** The TTL of the SOA record itself: the zone TTL, capped at 300 s as CoreDNS does. */
export function soaTtl(ttl: number): number {
  return Math.min(ttl, 300);
}
