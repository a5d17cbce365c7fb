import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { after, test } from "node:test";
import * as dnsPacket from "dns-packet";
import { waitFor } from "../../../test/support/wait-for.ts";
import { chain, type DnsPlugin } from "../plugin.ts";
import { RCODE } from "../wire/constants.ts";
import { encodeSections } from "../wire/records.ts";
import { createHandler, type RunningDnsServer, startDnsServer } from "./index.ts";

const okSections = encodeSections([{ owner: 12, ttl: 5, data: { type: "A", address: "192.0.2.1" } }]);

/** Answers `slow.` after a delay, throws for `boom.`, answers A 192.0.2.1 for the rest. */
const stub: DnsPlugin = {
  name: "stub",
  serve(req) {
    if (req.query.name === "boom") throw new Error("boom");
    const answer = { type: "answer" as const, rcode: RCODE.NOERROR, authoritative: true, sections: okSections };
    if (req.query.name === "slow") return new Promise((r) => setTimeout(() => r(answer), 150));
    return answer;
  },
};
const errors: unknown[] = [];
const handler = createHandler(
  chain([stub], () => ({ type: "answer", rcode: RCODE.SERVFAIL, authoritative: false, sections: undefined })),
  {
    onError: (e) => errors.push(e),
  },
);

const servers: RunningDnsServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});
async function start(listen = { host: "127.0.0.1", port: 0 }, tcp = {}): Promise<RunningDnsServer> {
  const s = await startDnsServer({ listen, handler, tcp });
  servers.push(s);
  return s;
}

const q = (name: string, id = 7): Buffer =>
  dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: "A", class: "IN" }],
  });
const frame = (b: Buffer): Buffer => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);

async function udpAsk(host: string, port: number, msg: Buffer): Promise<dnsPacket.Packet> {
  const sock = createSocket(host.includes(":") ? "udp6" : "udp4");
  try {
    return await new Promise((resolve, reject) => {
      sock.once("message", (m) => resolve(dnsPacket.decode(m)));
      sock.once("error", reject);
      sock.send(msg, port, host);
    });
  } finally {
    sock.close();
  }
}

/** Opens a TCP connection and collects decoded answers. */
async function tcpOpen(
  port: number,
  host = "127.0.0.1",
): Promise<{ sock: Socket; answers: dnsPacket.Packet[]; closed: () => boolean }> {
  const sock = connect(port, host);
  await new Promise<void>((r, j) => sock.once("connect", r).once("error", j));
  const answers: dnsPacket.Packet[] = [];
  let buf = Buffer.alloc(0);
  let closed = false;
  sock.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      answers.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      buf = buf.subarray(2 + buf.readUInt16BE(0));
    }
  });
  sock.on("error", () => undefined);
  sock.on("close", () => (closed = true));
  return { sock, answers, closed: () => closed };
}

test("UDP and TCP answer on the same port, IPv4 and IPv6", async () => {
  for (const host of ["127.0.0.1", "::1"]) {
    const s = await start({ host, port: 0 });
    const a = await udpAsk(host, s.address.port, q("x.test"));
    assert.equal((a.answers?.[0] as { data: string }).data, "192.0.2.1");
    const c = await tcpOpen(s.address.port, host);
    c.sock.write(frame(q("x.test", 9)));
    await waitFor(() => c.answers.length === 1);
    assert.equal(c.answers[0]?.id, 9);
    c.sock.destroy();
  }
});

test("a plugin that throws gives SERVFAIL and the server keeps answering", async () => {
  const s = await start();
  const a = await udpAsk("127.0.0.1", s.address.port, q("boom"));
  assert.equal((a.flags ?? 0) & 0xf, RCODE.SERVFAIL);
  assert.ok(errors.length > 0);
  const b = await udpAsk("127.0.0.1", s.address.port, q("fine"));
  assert.equal((b.flags ?? 0) & 0xf, RCODE.NOERROR);
});

test("TCP: pipelined queries in one segment; a fast answer overtakes a slow one", async () => {
  const s = await start();
  const c = await tcpOpen(s.address.port);
  c.sock.write(Buffer.concat([frame(q("slow", 1)), frame(q("fast", 2))]));
  await waitFor(() => c.answers.length === 2);
  assert.deepEqual(
    c.answers.map((a) => a.id),
    [2, 1],
  );
  c.sock.destroy();
});

test("TCP: a prefix split byte by byte is reassembled", async () => {
  const s = await start();
  const c = await tcpOpen(s.address.port);
  const bytes = frame(q("split", 3));
  for (let i = 0; i < bytes.length; i++) {
    c.sock.write(bytes.subarray(i, i + 1));
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => c.answers.length === 1);
  assert.equal(c.answers[0]?.id, 3);
  c.sock.destroy();
});

for (const length of [0, 1, 11]) {
  test(`TCP: length ${length} closes the connection`, async () => {
    const s = await start();
    const c = await tcpOpen(s.address.port);
    c.sock.write(Buffer.from([0, length, ...Array(length).fill(0)]));
    await waitFor(c.closed, { what: "close" });
    assert.equal(c.answers.length, 0);
  });
}

test("TCP: idle and read timeouts close connections", async () => {
  const s = await start({ host: "127.0.0.1", port: 0 }, { idleTimeoutMs: 100, readTimeoutMs: 100 });
  const idle = await tcpOpen(s.address.port);
  const stalled = await tcpOpen(s.address.port);
  stalled.sock.write(Buffer.from([0xff, 0xff, ...Array(10).fill(1)]));
  const t0 = Date.now();
  await waitFor(() => idle.closed() && stalled.closed(), { timeoutMs: 3000, what: "both closed" });
  assert.ok(Date.now() - t0 < 2000);
});

test("TCP: connections over the cap are closed, the others still served", async () => {
  const s = await start({ host: "127.0.0.1", port: 0 }, { maxConnections: 5 });
  const conns: Awaited<ReturnType<typeof tcpOpen>>[] = [];
  for (let i = 0; i < 8; i++) conns.push(await tcpOpen(s.address.port));
  await waitFor(() => conns.filter((c) => c.closed()).length === 3, { what: "3 closed" });
  const open = conns.find((c) => !c.closed())!;
  open.sock.write(frame(q("still", 4)));
  await waitFor(() => open.answers.length === 1);
  for (const c of conns) c.sock.destroy();
});

test("a taken port rejects with one line naming the address", async () => {
  const s = await start();
  await assert.rejects(
    startDnsServer({ listen: { host: "127.0.0.1", port: s.address.port }, handler }),
    (err: Error) => {
      assert.equal(err.message, `dns: cannot listen on 127.0.0.1:${s.address.port} (udp): address already in use`);
      return true;
    },
  );
});
