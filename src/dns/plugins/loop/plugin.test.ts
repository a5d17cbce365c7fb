import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { startFakeUpstream } from "../../../../test/support/fake-upstream.ts";
import { startForwardingStub } from "../../../../test/support/forwarding-stub.ts";
import { freePort } from "../../../../test/support/free-port.ts";
import { startKdns } from "../../../../test/support/loop-kdns.ts";
import { makeProbe, probeOwner } from "./probe.ts";

/** Asks `port` over UDP; resolves with the decoded answer (or rejects after 3 s). */
async function ask(port: number, name: string, id = 77): Promise<dnsPacket.DecodedPacket> {
  const msg = dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: "A", class: "IN" }],
  });
  const { createSocket } = await import("node:dgram");
  const sock = createSocket("udp4");
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer for ${name} in 3 s`)), 3000);
      sock.on("message", (bytes) => {
        clearTimeout(timer);
        resolve(dnsPacket.decode(bytes));
      });
      sock.send(msg, port, "127.0.0.1");
    });
  } finally {
    sock.close();
  }
}

const rcode = (p: dnsPacket.DecodedPacket): string | undefined => (p as { rcode?: string }).rcode;

test("probe names: this instance's, another instance's, and ordinary names", () => {
  const probe = makeProbe("0123456789");
  assert.equal(probeOwner(probe.key, "0123456789"), "mine");
  assert.equal(probeOwner(probe.key, "9999999999"), "other");
  assert.equal(probeOwner("\x03www\x07example\x04test\x00", "0123456789"), "none");
  assert.equal(probe.questionEnd, probe.bytes.length);
  assert.equal(dnsPacket.decode(probe.bytes).questions?.[0]?.type, "HINFO");
});

test("kdns → stub resolver → kdns: the loop is found, forwarding to it stops, outside names get SERVFAIL at once", async (t) => {
  const port = await freePort();
  const stub = await startForwardingStub({ target: { host: "127.0.0.1", port } });
  t.after(() => stub.close());
  const kdns = await startKdns(t, port, [{ host: stub.host, port: stub.port }], "aaaaaaaaaa");

  const outcomes = await kdns.loop.probe();
  assert.deepEqual(
    outcomes.map((o) => o.type),
    ["loop"],
  );
  assert.deepEqual(
    kdns.loops.map((o) => o.upstream),
    [{ host: stub.host, port: stub.port }],
  );
  assert.equal(stub.forwarded(), 1, "the probe went round once and was answered here, not forwarded again");
  assert.deepEqual(kdns.forward.upstreamOrder(), []);

  const started = Date.now();
  const res = await ask(kdns.port, "www.example.test");
  assert.equal(rcode(res), "SERVFAIL");
  assert.ok(Date.now() - started < 300, `SERVFAIL took ${Date.now() - started} ms`);
  assert.equal(stub.forwarded(), 1, "nothing more was sent to the looping upstream");
  assert.deepEqual(await kdns.loop.probe(), [], "a looped upstream is not probed again");
});

test("a normal upstream: no loop, forwarding works", async (t) => {
  const up = await startFakeUpstream();
  t.after(() => up.close());
  up.set("www.example.test", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.7" }] });
  const kdns = await startKdns(t, 0, [{ host: up.host, port: up.port }], "bbbbbbbbbb");
  assert.deepEqual(
    (await kdns.loop.probe()).map((o) => o.type),
    ["clear"],
  );
  assert.deepEqual(kdns.loops, []);
  const res = await ask(kdns.port, "www.example.test");
  assert.deepEqual(
    res.answers?.map((r) => (r as { data: unknown }).data),
    ["192.0.2.7"],
  );
});

test("kdns A → stub → kdns B (another instance) → upstream: not a loop for A", async (t) => {
  const up = await startFakeUpstream();
  t.after(() => up.close());
  up.set("www.example.test", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.8" }] });
  const b = await startKdns(t, 0, [{ host: up.host, port: up.port }], "cccccccccc");
  const stub = await startForwardingStub({ target: { host: "127.0.0.1", port: b.port } });
  t.after(() => stub.close());
  const a = await startKdns(t, 0, [{ host: stub.host, port: stub.port }], "dddddddddd");
  assert.deepEqual(
    (await a.loop.probe()).map((o) => o.type),
    ["clear"],
  );
  assert.equal(up.queries.filter((q) => q.name.includes("kdns-loop-check")).length, 1, "B passed A's probe on");
  const res = await ask(a.port, "www.example.test");
  assert.deepEqual(
    res.answers?.map((r) => (r as { data: unknown }).data),
    ["192.0.2.8"],
  );
});
