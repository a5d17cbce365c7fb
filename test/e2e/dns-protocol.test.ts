/**
 * Protocol hygiene of a running kdns: TC and the TCP fallback, EDNS (no OPT without EDNS, payload
 * clamp, BADVERS), the malformed corpus over UDP and TCP, a bounded random fuzz, and RFC 7766
 * connection handling — after each, a normal query must still be answered.
 */

import assert from "node:assert/strict";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { after, before, test } from "node:test";
import * as dnsPacket from "dns-packet";
import { dig } from "../support/dig.ts";
import { bindOrFail } from "../support/listen.ts";
import { MALFORMED } from "../support/malformed-dns.ts";
import { waitFor } from "../support/wait-for.ts";
import { type DnsHarness, ENDPOINTS, SERVICES, startDnsHarness } from "./dns-harness.ts";

let h: DnsHarness;
const TCP = { readTimeoutMs: 300, idleTimeoutMs: 1500, maxConnections: 40 };

before(async () => {
  h = await startDnsHarness({ tcp: TCP });
  await h.client.create(SERVICES, "default", {
    metadata: { name: "big" },
    spec: { clusterIP: "None", ports: [{ name: "p", port: 1, protocol: "TCP" }] },
  });
  const addresses = Array.from({ length: 100 }, (_, i) => ({ ip: `10.2.${i >> 8}.${(i & 0xff) + 1}` }));
  await h.client.create(ENDPOINTS, "default", {
    metadata: { name: "big" },
    subsets: [{ addresses, ports: [{ name: "p", port: 1, protocol: "TCP" }] }],
  });
  await h.client.create(SERVICES, "default", {
    metadata: { name: "mid" },
    spec: { clusterIP: "None", ports: [{ name: "p", port: 1, protocol: "TCP" }] },
  });
  const mid = Array.from({ length: 40 }, (_, i) => ({ ip: `10.3.0.${i + 1}` }));
  await h.client.create(ENDPOINTS, "default", {
    metadata: { name: "mid" },
    subsets: [{ addresses: mid, ports: [{ name: "p", port: 1, protocol: "TCP" }] }],
  });
  await waitFor(
    async () => (await dig("127.0.0.1", h.port, ["+tcp", "big.default.svc.cluster.local"])).answer.length === 100,
    { what: "big synced" },
  );
});

after(async () => {
  await h?.close();
});

const good = (id: number): Buffer =>
  dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: "dns-version.cluster.local", type: "TXT", class: "IN" }],
  });
const frame = (b: Buffer): Buffer => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);

/** The full rcode of an answer: header bits plus the OPT's extended bits (RFC 6891 §6.1.3). */
function rcodeOf(msg: Buffer): number {
  const low = msg[3]! & 0x0f;
  try {
    const opt = dnsPacket.decode(msg).additionals?.find((r) => r.type === "OPT") as
      | { extendedRcode?: number }
      | undefined;
    return ((opt?.extendedRcode ?? 0) << 4) | low;
  } catch {
    return low;
  }
}

/** A UDP client that hands out replies by ID. */
async function udpClient(): Promise<{
  sock: UdpSocket;
  send(m: Buffer): void;
  reply(id: number): Promise<Buffer>;
  first(): Promise<Buffer>;
  close(): void;
}> {
  const sock = createSocket("udp4");
  const got: Buffer[] = [];
  const waiters: (() => void)[] = [];
  sock.on("message", (m) => {
    got.push(m);
    for (const w of waiters.splice(0)) w();
  });
  try {
    await bindOrFail(sock, 0, "127.0.0.1");
  } catch (err) {
    sock.close();
    throw err;
  }
  const next = async (pick: (m: Buffer) => boolean): Promise<Buffer> => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const i = got.findIndex(pick);
      if (i >= 0) return got.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error("no reply");
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return {
    sock,
    send: (m) => sock.send(m, h.port, "127.0.0.1"),
    reply: (id) => next((m) => m.length >= 2 && m.readUInt16BE(0) === id),
    first: () => next(() => true),
    close: () => sock.close(),
  };
}

test("TC over UDP when the answer does not fit; the full answer over TCP", async () => {
  const udp = await dig("127.0.0.1", h.port, ["+ignore", "+noedns", "big.default.svc.cluster.local"]);
  assert.ok(udp.flags.includes("tc"), `flags ${udp.flags}`);
  assert.equal(udp.answer.length, 0);
  const edns = await dig("127.0.0.1", h.port, ["+ignore", "+bufsize=4096", "big.default.svc.cluster.local"]);
  assert.ok(edns.flags.includes("tc"), "100 records exceed the 1232-byte cap");
  assert.equal(edns.edns?.udp, 1232, "a TC answer keeps its OPT");
  const tcp = await dig("127.0.0.1", h.port, ["+tcp", "big.default.svc.cluster.local"]);
  assert.equal(tcp.answer.length, 100);
  assert.ok(!tcp.flags.includes("tc"));
  const retried = await dig("127.0.0.1", h.port, ["+noedns", "big.default.svc.cluster.local"]);
  assert.equal(retried.answer.length, 100, "dig retries over TCP on TC by itself");
});

test("EDNS: no OPT without EDNS; sizes clamped to 512–1232; BADVERS for version 1", async () => {
  const plain = await dig("127.0.0.1", h.port, ["+noedns", "dns-version.cluster.local", "TXT"]);
  assert.equal(plain.edns, undefined);
  assert.equal(plain.status, "NOERROR");
  // 40 A records (~680 bytes): over 512 (a size below 512 counts as 512), under 1232.
  const small = await dig("127.0.0.1", h.port, ["+ignore", "+bufsize=100", "mid.default.svc.cluster.local"]);
  assert.ok(small.flags.includes("tc"), `bufsize 100 counts as 512: ${small.flags}`);
  const fits = await dig("127.0.0.1", h.port, ["+ignore", "+bufsize=1232", "mid.default.svc.cluster.local"]);
  assert.equal(fits.answer.length, 40);
  assert.equal(fits.edns?.udp, 1232);
  const badvers = await dig("127.0.0.1", h.port, ["+edns=1", "+noednsneg", "dns-version.cluster.local", "TXT"]);
  assert.equal(badvers.status, "BADVERS");
  assert.equal(badvers.edns?.version, 0);
});

test("malformed corpus over UDP: each gets its rcode or silence; a good query is still answered", async () => {
  const c = await udpClient();
  try {
    for (const m of MALFORMED) {
      c.send(m.msg);
      if (m.expect === "drop") {
        c.send(good(0x1111));
        const first = await c.first();
        assert.equal(first.readUInt16BE(0), 0x1111, `${m.what}: expected silence`);
      } else {
        const reply = await c.reply(0xabcd);
        assert.equal(rcodeOf(reply), m.expect, `${m.what}: rcode`);
        assert.ok(reply.length <= 512, `${m.what}: reply within 512 bytes`);
      }
    }
    c.send(good(0x2222));
    assert.equal(rcodeOf(await c.reply(0x2222)), 0);
  } finally {
    c.close();
  }
});

/** Opens a TCP connection that collects framed answers. */
async function tcpClient(): Promise<{ sock: Socket; answers: Buffer[]; closed(): boolean }> {
  const sock = connect(h.port, "127.0.0.1");
  await new Promise<void>((r, j) => sock.once("connect", r).once("error", j));
  const answers: Buffer[] = [];
  let buf = Buffer.alloc(0);
  let closed = false;
  sock.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      answers.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      buf = buf.subarray(2 + buf.readUInt16BE(0));
    }
  });
  sock.on("error", () => undefined);
  sock.on("close", () => (closed = true));
  return { sock, answers, closed: () => closed };
}

test("malformed corpus over TCP: rcode or silence per frame, short frames close the connection", async () => {
  for (const m of MALFORMED) {
    const c = await tcpClient();
    c.sock.write(Buffer.concat([frame(m.msg), frame(good(0x1111))]));
    if (m.msg.length < 12) {
      await waitFor(c.closed, { what: `${m.what}: closed` });
      assert.equal(c.answers.length, 0, m.what);
      continue;
    }
    const want = m.expect === "drop" ? 1 : 2;
    await waitFor(() => c.answers.length >= want, { what: `${m.what}: answers` });
    const ids = c.answers.map((a) => a.readUInt16BE(0));
    if (m.expect === "drop") assert.deepEqual(ids, [0x1111], m.what);
    else {
      const reply = c.answers.find((a) => a.readUInt16BE(0) === 0xabcd);
      assert.ok(reply, m.what);
      assert.equal(rcodeOf(reply), m.expect, m.what);
    }
    c.sock.destroy();
  }
});

test("random fuzz (fixed seed, 5,000 packets over UDP, 500 frames over TCP) leaves the server answering", async () => {
  let seed = 0x5eed;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const packet = (): Buffer => {
    const len = Math.floor(rand() * 120);
    const buf = Buffer.alloc(len);
    for (let j = 0; j < len; j++) buf[j] = Math.floor(rand() * 256);
    if (len > 12 && rand() < 0.7) {
      buf[2]! &= 0x07; // looks like a standard query
      buf[4] = 0;
      buf[5] = 1;
    }
    return buf;
  };
  const started = Date.now();
  const c = await udpClient();
  try {
    for (let i = 0; i < 5000; i++) {
      c.send(packet());
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    c.send(good(0x3333));
    assert.equal(rcodeOf(await c.reply(0x3333)), 0);
  } finally {
    c.close();
  }
  const t = await tcpClient();
  for (let i = 0; i < 500; i++) {
    const p = packet();
    if (p.length >= 12) t.sock.write(frame(p));
  }
  t.sock.write(frame(good(0x4444)));
  await waitFor(() => t.answers.some((a) => a.readUInt16BE(0) === 0x4444), { what: "good answer after TCP fuzz" });
  t.sock.destroy();
  assert.ok(Date.now() - started < 20_000, "fuzz stayed within its time bound");
  const after = await dig("127.0.0.1", h.port, ["dns-version.cluster.local", "TXT"]);
  assert.equal(after.status, "NOERROR");
});

test("TCP: prefix split byte by byte; two queries in one segment; several queries per connection", async () => {
  const c = await tcpClient();
  const bytes = frame(good(1));
  for (let i = 0; i < bytes.length; i++) {
    c.sock.write(bytes.subarray(i, i + 1));
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => c.answers.length === 1, { what: "split answered" });
  c.sock.write(Buffer.concat([frame(good(2)), frame(good(3))]));
  await waitFor(() => c.answers.length === 3, { what: "pipelined answered" });
  assert.deepEqual(c.answers.map((a) => a.readUInt16BE(0)).sort(), [1, 2, 3]);
  c.sock.destroy();
});

test("TCP: length 65535 then a stall is closed by the read timeout; a client closing mid-message does no harm", async () => {
  const stall = await tcpClient();
  stall.sock.write(Buffer.from([0xff, 0xff, ...Array<number>(10).fill(7)]));
  const t0 = Date.now();
  await waitFor(stall.closed, { timeoutMs: 3000, what: "stalled connection closed" });
  assert.ok(Date.now() - t0 < TCP.idleTimeoutMs, "closed by the read timeout, not the idle one");
  const quitter = await tcpClient();
  quitter.sock.end(frame(good(5)).subarray(0, 9));
  await waitFor(quitter.closed, { what: "quitter closed" });
  const c = await tcpClient();
  c.sock.write(frame(good(6)));
  await waitFor(() => c.answers.length === 1);
  c.sock.destroy();
});

test("TCP: idle connections past the cap are closed; later ones are served once the idle ones time out", async () => {
  const conns: Awaited<ReturnType<typeof tcpClient>>[] = [];
  for (let i = 0; i < TCP.maxConnections + 10; i++) conns.push(await tcpClient());
  await waitFor(() => conns.filter((c) => c.closed()).length >= 10, { what: "10 over the cap closed" });
  await waitFor(() => conns.every((c) => c.closed()), { timeoutMs: 5000, what: "idle timeout closed the rest" });
  const c = await tcpClient();
  c.sock.write(frame(good(7)));
  await waitFor(() => c.answers.length === 1);
  c.sock.destroy();
});
