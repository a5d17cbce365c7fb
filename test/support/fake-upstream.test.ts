import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { connect } from "node:net";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { startFakeUpstream } from "./fake-upstream.ts";

function query(name: string, type: dnsPacket.RecordType, id = 77): Buffer {
  return dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: "IN" }],
  });
}

async function udpAsk(port: number, msg: Buffer, replies = 1): Promise<dnsPacket.DecodedPacket[]> {
  const sock = createSocket("udp4");
  const out: dnsPacket.DecodedPacket[] = [];
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no UDP answer")), 2000);
      sock.on("message", (m) => {
        out.push(dnsPacket.decode(m));
        if (out.length === replies) {
          clearTimeout(timer);
          resolve(out);
        }
      });
      sock.send(msg, port, "127.0.0.1");
    });
  } finally {
    sock.close();
  }
}

async function tcpAsk(port: number, msg: Buffer): Promise<dnsPacket.DecodedPacket> {
  const conn = connect(port, "127.0.0.1");
  try {
    return await new Promise((resolve, reject) => {
      let buf = Buffer.alloc(0);
      conn.on("error", reject);
      conn.on("data", (c: Buffer) => {
        buf = Buffer.concat([buf, c]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
          resolve(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      });
      const framed = Buffer.alloc(2 + msg.length);
      framed.writeUInt16BE(msg.length, 0);
      msg.copy(framed, 2);
      conn.write(framed);
    });
  } finally {
    conn.destroy();
  }
}

test("answers from its table over UDP to a real resolver, and records the questions", async (t) => {
  const up = await startFakeUpstream();
  t.after(() => up.close());
  up.set("Example.Test", "A", { type: "answer", answers: [{ type: "A", ttl: 30, data: "192.0.2.7" }] });
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([`127.0.0.1:${up.port}`]);
  assert.deepEqual(await r.resolve4("example.test"), ["192.0.2.7"]);
  assert.equal(up.count("EXAMPLE.test", "A"), 1);
  await assert.rejects(r.resolve4("missing.test"), { code: "ENOTFOUND" });
});

test("truncates over UDP and answers in full over TCP", async (t) => {
  const up = await startFakeUpstream();
  t.after(() => up.close());
  up.set("big.test", "TXT", { type: "answer", truncateUdp: true, answers: [{ type: "TXT", ttl: 5, data: ["hello"] }] });
  const [udp] = await udpAsk(up.port, query("big.test", "TXT"));
  assert.equal(udp?.flag_tc, true);
  assert.equal(udp?.answers?.length, 0);
  const tcp = await tcpAsk(up.port, query("big.test", "TXT"));
  assert.equal(tcp.flag_tc, false);
  assert.equal(tcp.answers?.length, 1);
  assert.deepEqual(
    up.queries.map((q) => q.transport),
    ["udp", "tcp"],
  );
});

test("wrong ID, then the right answer; NXDOMAIN carries the chosen SOA minimum", async (t) => {
  const up = await startFakeUpstream();
  t.after(() => up.close());
  up.set("x.test", "A", {
    type: "wrong-id",
    then: { type: "answer", answers: [{ type: "A", ttl: 1, data: "192.0.2.1" }] },
  });
  const [bad, good] = await udpAsk(up.port, query("x.test", "A", 100), 2);
  assert.equal(bad?.id, 101);
  assert.equal(good?.id, 100);
  up.set("gone.test", "A", { type: "nxdomain", soa: { zone: "test", minimum: 42, ttl: 600 } });
  const [nx] = await udpAsk(up.port, query("gone.test", "A"));
  assert.equal((nx as { rcode?: string }).rcode, "NXDOMAIN");
  assert.equal((nx?.authorities?.[0] as { data?: { minimum: number } } | undefined)?.data?.minimum, 42);
});
