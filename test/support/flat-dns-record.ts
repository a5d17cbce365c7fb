/** A DNSRecord in the flat `kind: DNS` form (docs/flat-dns-form.md), the fixture several tests post verbatim. */

/** The JSON text exactly as posted: flat form, paths with address + service + port and no path. */
export const FLAT_DNS_RECORD = `{
  "kind": "DNS",
  "apiVersion": "v1",
  "name": "dns-test1",
  "host": "node1.com",
  "paths": [
      {
          "address": "10.1.1.10",
          "service": "service1",
          "port": 8010
      },
      {
          "address": "10.1.1.11",
          "service": "service2",
          "port": 8011
      }
  ]
}`;

/** Where a test serves one of the record's two backends. */
export interface Backend {
  address: string;
  port: number;
}

/**
 * The same text with the record's backends 10.1.1.10:8010 and 10.1.1.11:8011 replaced by ones the
 * test serves (loopback addresses and free ports, never fixed ones someone else may hold).
 */
export function flatDnsRecordWith(first: Backend, second: Backend): string {
  return FLAT_DNS_RECORD.replace('"10.1.1.10"', JSON.stringify(first.address))
    .replace('"port": 8010', `"port": ${first.port}`)
    .replace('"10.1.1.11"', JSON.stringify(second.address))
    .replace('"port": 8011', `"port": ${second.port}`);
}
