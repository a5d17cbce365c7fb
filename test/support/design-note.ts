/** A DNSRecord in the flat `kind: DNS` form (docs/flat-dns-form.md), the fixture several tests post verbatim. */

/** The JSON text exactly as posted: flat form, paths with address + service + port and no path. */
export const DESIGN_NOTE_RECORD = `{
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

/** The same text with its backend addresses 10.1.1.10/11 replaced (tests use loopback ones). */
export function designNoteRecordWith(first: string, second: string): string {
  return DESIGN_NOTE_RECORD.replace('"10.1.1.10"', JSON.stringify(first)).replace(
    '"10.1.1.11"',
    JSON.stringify(second),
  );
}
