/** The design note's DNSRecord example (shared/seed), the fixture several tests post verbatim. */

/** The note's JSON, byte for byte as the note writes it. */
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

/** The same text with the note's backend addresses 10.1.1.10/11 replaced (tests use loopback ones). */
export function designNoteRecordWith(first: string, second: string): string {
  return DESIGN_NOTE_RECORD.replace('"10.1.1.10"', JSON.stringify(first)).replace(
    '"10.1.1.11"',
    JSON.stringify(second),
  );
}
