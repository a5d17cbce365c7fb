/** The design note's flat DNS form → canonical kdns.dev/v1 DNSRecord. */

/** Returns the canonical DNSRecord for the flat form; any other input is returned unchanged. */
export function convertFlatDNSRecord(raw: unknown): unknown {
  return raw; // placeholder until the conversion lands
}
