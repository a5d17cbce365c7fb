/** The records of the zone itself: SOA and NS at the apex, the NS glue, and the schema TXT (spec §2.2). */
import { isIP } from "node:net";
import { soaData } from "../../answers/soa.ts";
import type { NamedRecord } from "./service-records.ts";

/** The schema version kdns implements (kubernetes/dns docs/specification.md). */
export const SCHEMA_VERSION = "1.1.0";

/** The SOA record of `zone`, as CoreDNS writes it (minimum = the record TTL). */
export function soaRecord(zone: string, ttl: number, serial: number): NamedRecord {
  return { name: zone, data: soaData(zone, ttl, serial) };
}

/** Apex SOA + NS, `ns.dns.<zone>` addresses (the DNS server's own), `dns-version.<zone>` TXT. */
export function zoneRecords(zone: string, ttl: number, serial: number, nsAddresses: string[]): NamedRecord[] {
  return [
    soaRecord(zone, ttl, serial),
    { name: zone, data: { type: "NS", target: `ns.dns.${zone}` } },
    ...nsAddresses.map(
      (ip): NamedRecord => ({ name: `ns.dns.${zone}`, data: { type: isIP(ip) === 6 ? "AAAA" : "A", address: ip } }),
    ),
    { name: `dns-version.${zone}`, data: { type: "TXT", texts: [SCHEMA_VERSION] } },
  ];
}
