/**
 * The malformed-query corpus (docs/dns-robustness.md): each case with the answer a server must
 * give — silence, or an rcode. src/dns/wire/query.test.ts replays it against the
 * parser, test/e2e/dns-protocol.test.ts against a running server over UDP and TCP.
 */

/** One malformed message and what it must get back. */
export interface MalformedCase {
  what: string;
  msg: Buffer;
  /** `drop`: no answer at all; a number: an answer with that rcode (extended rcodes included). */
  expect: "drop" | number;
}

const FORMERR = 1;
const NOTIMP = 4;
const REFUSED = 5;
const BADVERS = 16;
const NOERROR = 0;

const h = (flags: number, qd = 1, an = 0, ns = 0, ar = 0): number[] => [
  0xab,
  0xcd,
  flags >> 8,
  flags & 0xff,
  0,
  qd,
  0,
  an,
  0,
  ns,
  0,
  ar,
];
const b = (head: number[], body: number[] = []): Buffer => Buffer.from([...head, ...body]);
/** `x.cluster.local`-free question: the root name, type A, class IN. */
const ROOT_A = [0, 0, 1, 0, 1];
/** `cluster.local` SOA: answered by kdns itself, whatever the upstream. */
const ZONE_SOA = [7, ...Buffer.from("cluster"), 5, ...Buffer.from("local"), 0, 0, 6, 0, 1];
const OPT = (size = 1232, version = 0, rdata: number[] = []): number[] => [
  0,
  0,
  41,
  size >> 8,
  size & 0xff,
  0,
  version,
  0,
  0,
  rdata.length >> 8,
  rdata.length & 0xff,
  ...rdata,
];

/** The corpus. */
export const MALFORMED: MalformedCase[] = [
  { what: "empty datagram", msg: Buffer.alloc(0), expect: "drop" },
  { what: "11-byte truncated header", msg: Buffer.alloc(11), expect: "drop" },
  { what: "QR set (a response)", msg: b(h(0x8000), ROOT_A), expect: "drop" },
  { what: "QDCOUNT 0", msg: b(h(0, 0)), expect: FORMERR },
  { what: "QDCOUNT 2", msg: b(h(0, 2), [...ROOT_A, ...ROOT_A]), expect: FORMERR },
  { what: "name without terminator", msg: b(h(0), [3, 0x61, 0x62, 0x63]), expect: FORMERR },
  { what: "QTYPE/QCLASS missing", msg: b(h(0), [1, 0x61, 0, 0, 1]), expect: FORMERR },
  { what: "opcode IQUERY", msg: b(h(1 << 11), ROOT_A), expect: NOTIMP },
  { what: "opcode STATUS", msg: b(h(2 << 11), ROOT_A), expect: NOTIMP },
  { what: "opcode 3 (unassigned)", msg: b(h(3 << 11), ROOT_A), expect: NOTIMP },
  { what: "opcode UPDATE", msg: b(h(5 << 11), ROOT_A), expect: NOTIMP },
  { what: "label type 0x40", msg: b(h(0), [0x41, 0x61, 0, 0, 1, 0, 1]), expect: FORMERR },
  { what: "label type 0x80", msg: b(h(0), [0x81, 0x61, 0, 0, 1, 0, 1]), expect: FORMERR },
  { what: "label runs past the end", msg: b(h(0), [0x3f, 1, 2, 3]), expect: FORMERR },
  { what: "64-byte label", msg: b(h(0), [0x40, ...Array<number>(64).fill(0x61), 0, 0, 1, 0, 1]), expect: FORMERR },
  {
    what: "name over 255 octets",
    msg: b(h(0), [
      ...Array(5)
        .fill([63, ...Array<number>(63).fill(0x61)])
        .flat(),
      0,
      0,
      1,
      0,
      1,
    ]),
    expect: FORMERR,
  },
  { what: "pointer to itself", msg: b(h(0), [0xc0, 0x0c, 0, 1, 0, 1]), expect: FORMERR },
  { what: "forward pointer", msg: b(h(0), [0xc0, 0x10, 0, 1, 0, 1, 0]), expect: FORMERR },
  { what: "pointer past the end", msg: b(h(0), [0xff, 0xff, 0, 1, 0, 1]), expect: FORMERR },
  { what: "pointer into the header", msg: b(h(0), [0xc0, 0x02, 0, 1, 0, 1]), expect: FORMERR },
  { what: "pointer loop A→B→A", msg: b(h(0), [1, 0x61, 0xc0, 0x10, 0xc0, 0x0c, 0, 1, 0, 1]), expect: FORMERR },
  { what: "pointer back into its own name (loop)", msg: b(h(0), [1, 0x78, 0xc0, 0x0c, 0, 1, 0, 1]), expect: FORMERR },
  { what: "ANCOUNT 65535 with a short body", msg: b(h(0, 1, 0xffff), ROOT_A), expect: FORMERR },
  { what: "ARCOUNT 65535 with a short body", msg: b(h(0, 1, 0, 0, 0xffff), ROOT_A), expect: FORMERR },
  { what: "ARCOUNT 2 but nothing there", msg: b(h(0, 1, 0, 0, 2), ROOT_A), expect: FORMERR },
  {
    what: "RDLENGTH beyond the end",
    msg: b(h(0, 1, 0, 0, 1), [...ROOT_A, 0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 50]),
    expect: FORMERR,
  },
  { what: "two OPT records", msg: b(h(0, 1, 0, 0, 2), [...ROOT_A, ...OPT(), ...OPT()]), expect: FORMERR },
  {
    what: "OPT owned by a non-root name",
    msg: b(h(0, 1, 0, 0, 1), [...ROOT_A, 1, 0x61, 0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]),
    expect: FORMERR,
  },
  {
    what: "OPT option longer than its RDATA",
    msg: b(h(0, 1, 0, 0, 1), [...ROOT_A, ...OPT(1232, 0, [0, 10, 0, 8])]),
    expect: FORMERR,
  },
  { what: "EDNS version 1", msg: b(h(0, 1, 0, 0, 1), [...ZONE_SOA, ...OPT(1232, 1)]), expect: BADVERS },
  {
    what: "unknown EDNS option 65001 (ignored)",
    msg: b(h(0, 1, 0, 0, 1), [...ZONE_SOA, ...OPT(1232, 0, [0xfd, 0xe9, 0, 2, 1, 2])]),
    expect: NOERROR,
  },
  { what: "UDP payload size 0 (treated as 512)", msg: b(h(0, 1, 0, 0, 1), [...ZONE_SOA, ...OPT(0)]), expect: NOERROR },
  {
    what: "TSIG-typed record in the additional section",
    msg: b(h(0, 1, 0, 0, 1), [...ZONE_SOA, 0, 0, 250, 0, 255, 0, 0, 0, 0, 0, 0]),
    expect: NOERROR,
  },
  { what: "QTYPE AXFR", msg: b(h(0), [0, 0, 252, 0, 1]), expect: REFUSED },
  { what: "QCLASS CH", msg: b(h(0), [0, 0, 16, 0, 3]), expect: REFUSED },
  { what: "QCLASS ANY", msg: b(h(0), [0, 0, 1, 0, 255]), expect: REFUSED },
  {
    what: "binary bytes in a label under the zone",
    msg: b(h(0), [3, 0x00, 0x2e, 0xff, 7, ...Buffer.from("cluster"), 5, ...Buffer.from("local"), 0, 0, 1, 0, 1]),
    expect: 3,
  },
  { what: "trailing garbage after the question", msg: b(h(0), [...ZONE_SOA, 0xde, 0xad, 0xbe, 0xef]), expect: NOERROR },
];
