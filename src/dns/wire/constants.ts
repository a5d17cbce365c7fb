/** DNS numbers used on the hot path (RFC 1035, RFC 6891, IANA registries). */

/** Response codes (RFC 1035 §4.1.1, RFC 6891 §6.1.3 for BADVERS). */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

/** Record types kdns answers or recognises. */
export const QTYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

/** Class IN. */
export const CLASS_IN = 1;

/** Largest UDP answer kdns sends (DNS Flag Day 2020) and the classic limit without EDNS. */
export const MAX_UDP_PAYLOAD = 1232;
/** RFC 1035 §4.2.1: UDP messages without EDNS are limited to 512 bytes. */
export const CLASSIC_UDP_PAYLOAD = 512;
/** Header length. */
export const HEADER_LENGTH = 12;
