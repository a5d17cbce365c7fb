import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { RCODE } from "./constants.ts";
import { type ParsedQuery, parseQuery } from "./query.ts";
import { encodeSections } from "./records.ts";
import { udpLimit, writeAnswer } from "./response.ts";

/** An OPT pseudo-record for dns-packet (its published types lack OPT in answers). */
function opt(udpPayloadSize: number, flags = 0): dnsPacket.Answer {
  return { type: "OPT", name: ".", udpPayloadSize, flags, options: [] } as unknown as dnsPacket.Answer;
}

function rcodeOf(res: dnsPacket.DecodedPacket): string | undefined {
  return (res as { rcode?: string }).rcode;
}

function parsed(msg: Buffer): ParsedQuery {
  const q = parseQuery(msg);
  assert.equal(q.type, "query");
  return q as ParsedQuery;
}

test("an answer echoes the question's case and points its owner at the question", () => {
  const msg = dnsPacket.encode({
    type: "query",
    id: 7,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: "SvC1.TeStNs.SvC.cLuStEr.LoCaL", type: "A" }],
  });
  const q = parsed(msg);
  const sections = encodeSections([{ owner: 12, ttl: 5, data: { type: "A", address: "10.0.0.1" } }]);
  const out = writeAnswer(
    msg,
    q,
    { rcode: RCODE.NOERROR, authoritative: true, recursionAvailable: true },
    sections,
    udpLimit(q.edns),
  );
  const res = dnsPacket.decode(out);
  assert.equal(res.id, 7);
  assert.equal(res.type, "response");
  assert.equal(res.flag_aa, true);
  assert.equal(res.flag_rd, true);
  assert.equal(res.flag_ra, true);
  assert.equal(rcodeOf(res), "NOERROR");
  assert.equal(res.questions?.[0]?.name, "SvC1.TeStNs.SvC.cLuStEr.LoCaL");
  assert.equal(res.answers?.length, 1);
  assert.deepEqual(res.answers?.[0], {
    name: "SvC1.TeStNs.SvC.cLuStEr.LoCaL",
    type: "A",
    class: "IN",
    ttl: 5,
    flush: false,
    data: "10.0.0.1",
  });
});

test("NXDOMAIN with the SOA in authority, owner pointing at the zone suffix of the question", () => {
  const msg = dnsPacket.encode({ type: "query", id: 9, questions: [{ name: "nope.ns.svc.cluster.local", type: "A" }] });
  const q = parsed(msg);
  const zoneOffset = q.labelOffsets[3]!; // "cluster.local"
  const sections = encodeSections(
    [],
    [
      {
        owner: zoneOffset,
        ttl: 5,
        data: {
          type: "SOA",
          mname: "ns.dns.cluster.local",
          rname: "hostmaster.cluster.local",
          serial: 1,
          refresh: 7200,
          retry: 1800,
          expire: 86400,
          minimum: 5,
        },
      },
    ],
  );
  const res = dnsPacket.decode(
    writeAnswer(msg, q, { rcode: RCODE.NXDOMAIN, authoritative: true, recursionAvailable: false }, sections, 512),
  );
  assert.equal(rcodeOf(res), "NXDOMAIN");
  assert.equal(res.answers?.length, 0);
  assert.equal(res.authorities?.[0]?.name, "cluster.local");
  assert.equal(res.authorities?.[0]?.type, "SOA");
});

test("OPT only when the query had one; payload clamped to 512..1232; DO copied", () => {
  const plain = dnsPacket.encode({ type: "query", id: 1, questions: [{ name: "a", type: "A" }] });
  const pq = parsed(plain);
  assert.equal(
    dnsPacket.decode(
      writeAnswer(plain, pq, { rcode: 0, authoritative: true, recursionAvailable: false }, undefined, 512),
    ).additionals?.length,
    0,
  );
  for (const [asked, limit] of [
    [0, 512],
    [100, 512],
    [511, 512],
    [1232, 1232],
    [4096, 1232],
    [65535, 1232],
  ] as const) {
    const msg = dnsPacket.encode({
      type: "query",
      id: 1,
      questions: [{ name: "a", type: "A" }],
      additionals: [opt(1232, dnsPacket.DNSSEC_OK)],
    });
    msg.writeUInt16BE(asked, msg.length - 8); // the OPT's class field is the payload size
    const q = parsed(msg);
    assert.equal(udpLimit(q.edns), limit, `payload ${asked}`);
    const res = dnsPacket.decode(
      writeAnswer(msg, q, { rcode: 0, authoritative: true, recursionAvailable: false }, undefined, udpLimit(q.edns)),
    );
    const answerOpt = res.additionals?.[0] as { type: string; udpPayloadSize: number; flags: number } | undefined;
    assert.equal(answerOpt?.type, "OPT");
    assert.equal(answerOpt?.udpPayloadSize, 1232);
    assert.equal((answerOpt?.flags ?? 0) & dnsPacket.DNSSEC_OK, dnsPacket.DNSSEC_OK);
  }
});

test("an answer that does not fit sets TC and keeps only header, question and OPT", () => {
  const msg = dnsPacket.encode({ type: "query", id: 3, questions: [{ name: "big.example", type: "A" }] });
  const q = parsed(msg);
  const many = Array.from({ length: 40 }, (_, i) => ({
    owner: 12,
    ttl: 5,
    data: { type: "A" as const, address: `10.0.0.${i}` },
  }));
  const sections = encodeSections(many);
  const udp = writeAnswer(msg, q, { rcode: 0, authoritative: true, recursionAvailable: false }, sections, 512);
  assert.ok(udp.length <= 512);
  const res = dnsPacket.decode(udp);
  assert.equal(res.flag_tc, true);
  assert.equal(res.answers?.length, 0);
  assert.equal(res.questions?.length, 1);
  const tcp = dnsPacket.decode(
    writeAnswer(msg, q, { rcode: 0, authoritative: true, recursionAvailable: false }, sections, 65535),
  );
  assert.equal(tcp.flag_tc, false);
  assert.equal(tcp.answers?.length, 40);
});

test("BADVERS goes out as extended rcode in the OPT, version 0", () => {
  const msg = dnsPacket.encode({
    type: "query",
    id: 1,
    questions: [{ name: "a", type: "A" }],
    additionals: [opt(1232)],
  });
  msg[msg.length - 5] = 1;
  const q = parseQuery(msg);
  assert.equal(q.type, "reject");
  if (q.type !== "reject") return;
  const out = writeAnswer(msg, q, { rcode: q.rcode, authoritative: false, recursionAvailable: false }, undefined, 512);
  assert.equal(out[3]! & 0x0f, 0); // low bits of 16
  const optStart = out.length - 11;
  assert.equal(out[optStart + 5], 1); // extended rcode: 16 >> 4
  assert.equal(out[optStart + 6], 0); // version
});
