import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { MALFORMED } from "../../../test/support/malformed-dns.ts";
import { RCODE } from "./constants.ts";
import { parseQuery, wireKey } from "./query.ts";

/** An OPT pseudo-record for dns-packet (its published types lack OPT in answers). */
function opt(udpPayloadSize: number, flags = 0): dnsPacket.Answer {
  return { type: "OPT", name: ".", udpPayloadSize, flags, options: [] } as unknown as dnsPacket.Answer;
}

function query(name: string, type: dnsPacket.RecordType = "A", extra: Partial<dnsPacket.Packet> = {}): Buffer {
  return dnsPacket.encode({
    type: "query",
    id: 0x1234,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: "IN" }],
    ...extra,
  });
}

function header(bytes: number[], body: number[] = []): Buffer {
  return Buffer.from([...bytes, ...body]);
}

test("a plain query parses to a lower-cased name, type and question end", () => {
  const msg = query("SvC1.TeStNs.svc.Cluster.Local", "AAAA");
  const q = parseQuery(msg);
  assert.equal(q.type, "query");
  if (q.type !== "query") return;
  assert.equal(q.id, 0x1234);
  assert.equal(q.name, "svc1.testns.svc.cluster.local");
  assert.equal(q.qtype, 28);
  assert.equal(q.qclass, 1);
  assert.equal(q.recursionDesired, true);
  assert.equal(q.questionEnd, msg.length);
  assert.deepEqual(q.labelOffsets, [12, 17, 24, 28, 36]);
  assert.equal(q.edns, undefined);
});

test("EDNS: payload size, DO bit and version are read", () => {
  const msg = query("a.b", "A", { additionals: [opt(4096, dnsPacket.DNSSEC_OK)] });
  const q = parseQuery(msg);
  assert.equal(q.type, "query");
  assert.deepEqual(q.type === "query" && q.edns, { udpSize: 4096, version: 0, dnssecOk: true });
});

test("EDNS version 1 gets BADVERS", () => {
  const msg = query("a.b", "A", { additionals: [opt(1232)] });
  msg[msg.length - 5] = 1; // version byte of the OPT TTL (ext-rcode, version, flags, flags, rdlength)
  const q = parseQuery(msg);
  assert.equal(q.type, "reject");
  assert.equal(q.type === "reject" && q.rcode, RCODE.BADVERS);
});

test("the root name parses as the empty string", () => {
  const q = parseQuery(query(".", "NS"));
  assert.equal(q.type === "query" && q.name, "");
});

test("special bytes inside labels are escaped, so a.b as one label differs from two labels", () => {
  const msg = header([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0], [3, 0x61, 0x2e, 0x62, 0, 0, 1, 0, 1]);
  const q = parseQuery(msg);
  assert.equal(q.type === "query" && q.name, "a\\046b");
});

const h = (flags: number, qd = 1, an = 0, ns = 0, ar = 0) => [
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

// The shared malformed corpus (the e2e test sends the same cases to a running server). Cases the
// parser rejects must get their rcode from it; the rest (REFUSED class, ANY, …) parse as queries
// and are answered further on.
const PARSER_RCODES: readonly number[] = [RCODE.FORMERR, RCODE.NOTIMP, RCODE.BADVERS];
for (const c of MALFORMED) {
  const parserCase = c.expect === "drop" || PARSER_RCODES.includes(c.expect);
  test(`malformed: ${c.what} → ${c.expect === "drop" ? "silence" : parserCase ? `rcode ${c.expect}` : "parsed, answered later"}`, () => {
    const q = parseQuery(c.msg);
    if (c.expect === "drop") assert.equal(q.type, "drop");
    else if (parserCase) {
      assert.equal(q.type, "reject");
      assert.equal(q.type === "reject" && q.rcode, c.expect);
    } else assert.equal(q.type, "query");
  });
}

test("a pointer back to an earlier label of the same name (a loop) is FORMERR", () => {
  const q = parseQuery(header(h(0), [1, 0x78, 0xc0, 0x0c, 0, 1, 0, 1]));
  assert.equal(q.type === "reject" && q.rcode, RCODE.FORMERR);
});

test("a pointer from the additional section back into the question is followed", () => {
  // OPT owner = pointer to the question's root label (offset 14): a legal root-owned OPT.
  const q = parseQuery(header(h(0, 1, 0, 0, 1), [1, 0x78, 0, 0, 1, 0, 1, 0xc0, 14, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]));
  assert.equal(q.type, "query");
  assert.equal(q.type === "query" && q.edns?.udpSize, 1232);
});

test("random bytes never throw", () => {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 20_000; i++) {
    const len = Math.floor(rand() * 80);
    const buf = Buffer.alloc(len);
    for (let j = 0; j < len; j++) buf[j] = Math.floor(rand() * 256);
    if (len > 3 && rand() < 0.5) buf[2]! &= 0x7f; // half of them look like queries
    parseQuery(buf);
  }
});

test("the wire key folds ASCII case only and matches wireKey of the dotted name", () => {
  const lower = parseQuery(query("svc1.testns.svc.cluster.local"));
  const mixed = parseQuery(query("SvC1.TeStNs.SVC.cluster.LOCAL"));
  assert.equal(lower.type, "query");
  assert.equal(mixed.type, "query");
  if (lower.type !== "query" || mixed.type !== "query") return;
  assert.equal(mixed.key, lower.key);
  assert.equal(lower.key, wireKey("svc1.testns.svc.cluster.local"));
  assert.equal(lower.key, "\u0004svc1\u0006testns\u0003svc\u0007cluster\u0005local\u0000");
  assert.equal(mixed.name, "svc1.testns.svc.cluster.local");
  assert.equal(
    parseQuery(query(".", "NS")).type === "query" && (parseQuery(query(".", "NS")) as { key: string }).key,
    "\u0000",
  );
  // Bytes above 0x7f are not folded: only ASCII is case-insensitive in DNS (RFC 4343).
  const high = parseQuery(header([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], [1, 0xc4, 0, 0, 1, 0, 1]));
  assert.equal(high.type === "query" && high.key, "\u0001\u00c4\u0000");
});
