import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { readMessage, sameQuestion } from "./message.ts";

const soa = (ttl: number, minimum: number): dnsPacket.Answer => ({
  name: "example",
  type: "SOA",
  ttl,
  data: { mname: "ns.example", rname: "h.example", serial: 1, refresh: 2, retry: 3, expire: 4, minimum },
});

test("TTL offsets, minimum answer TTL and the RFC 2308 negative TTL are read", () => {
  const msg = dnsPacket.encode({
    type: "response",
    id: 9,
    flags: 3,
    questions: [{ name: "a.example", type: "A" }],
    answers: [
      { name: "a.example", type: "A", ttl: 300, data: "192.0.2.1" },
      { name: "a.example", type: "A", ttl: 60, data: "192.0.2.2" },
    ],
    authorities: [soa(900, 120)],
    additionals: [
      { type: "OPT", name: ".", udpPayloadSize: 1232, flags: 0, options: [] } as unknown as dnsPacket.Answer,
    ],
  });
  const m = readMessage(msg);
  assert.ok(m);
  assert.equal(m.id, 9);
  assert.equal(m.rcode, 3);
  assert.equal(m.qtype, 1);
  assert.equal(m.ttlOffsets.length, 3);
  assert.deepEqual(
    m.ttlOffsets.map((o) => msg.readUInt32BE(o)),
    [300, 60, 900],
  );
  assert.equal(m.minAnswerTtl, 60);
  assert.equal(m.negativeTtl, 120);
  assert.equal(
    readMessage(
      dnsPacket.encode({ type: "response", questions: [{ name: "x", type: "A" }], authorities: [soa(30, 120)] }),
    )?.negativeTtl,
    30,
  );
});

test("malformed responses are refused, never thrown on", () => {
  const good = dnsPacket.encode({
    type: "response",
    id: 1,
    questions: [{ name: "a.example", type: "A" }],
    answers: [{ name: "a.example", type: "A", ttl: 5, data: "192.0.2.1" }],
  });
  assert.ok(readMessage(good));
  const cut = (n: number) => good.subarray(0, good.length - n);
  for (let n = 1; n < good.length; n++) assert.equal(readMessage(cut(n)), undefined, `cut ${n}`);
  const extra = Buffer.concat([good, Buffer.from([0])]);
  assert.equal(readMessage(extra), undefined);
  const query = Buffer.from(good);
  query[2]! &= 0x7f;
  assert.equal(readMessage(query), undefined);
  const bigCount = Buffer.from(good);
  bigCount.writeUInt16BE(0xffff, 6);
  assert.equal(readMessage(bigCount), undefined);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 5000; i++) {
    const b = Buffer.from(good);
    b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    readMessage(b);
  }
});

test("questions match ignoring case of the name only", () => {
  const q = dnsPacket.encode({ type: "query", questions: [{ name: "ExAmple.COM", type: "A" }] });
  const r = dnsPacket.encode({ type: "response", questions: [{ name: "example.com", type: "A" }] });
  assert.equal(sameQuestion(q, q.length, r, r.length), true);
  const other = dnsPacket.encode({ type: "response", questions: [{ name: "exbmple.com", type: "A" }] });
  assert.equal(sameQuestion(q, q.length, other, other.length), false);
  const aaaa = dnsPacket.encode({ type: "response", questions: [{ name: "example.com", type: "AAAA" }] });
  assert.equal(sameQuestion(q, q.length, aaaa, aaaa.length), false);
  // Type 65 (0x41) and type 97 (0x61) differ even though 0x41 folds to 0x61 in names.
  const t65 = Buffer.from(q);
  t65[t65.length - 3] = 0x41;
  const t97 = Buffer.from(q);
  t97[t97.length - 3] = 0x61;
  assert.equal(sameQuestion(t65, t65.length, t97, t97.length), false);
});
