import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { startFakeUpstream } from "../../../../test/support/fake-upstream.ts";
import { chain, type DnsReply } from "../../plugin.ts";
import { createHandler } from "../../server/handler.ts";
import { type ParsedQuery, parseQuery } from "../../wire/query.ts";
import { ForwardPlugin } from "../forward/plugin.ts";
import { type CacheOptions, CachePlugin } from "./plugin.ts";

function query(name: string, type: dnsPacket.RecordType = "A", id = 1, ednsFlags?: number): Buffer {
  const additionals =
    ednsFlags === undefined
      ? []
      : [
          {
            type: "OPT",
            name: ".",
            udpPayloadSize: 1232,
            flags: ednsFlags,
            options: [],
          } as unknown as dnsPacket.Answer,
        ];
  return dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: "IN" }],
    additionals,
  });
}

const rcode = (p: dnsPacket.DecodedPacket): string | undefined => (p as { rcode?: string }).rcode;
const ttls = (p: dnsPacket.DecodedPacket): number[] =>
  [...(p.answers ?? []), ...(p.authorities ?? [])].map((r) => (r as { ttl: number }).ttl);

async function setup(t: { after(fn: () => unknown): void }, options: CacheOptions = {}, timeoutMs = 300) {
  const up = await startFakeUpstream();
  let clock = 1_000_000;
  const cache = new CachePlugin({ ...options, now: () => clock });
  const forward = new ForwardPlugin({ upstreams: [{ host: up.host, port: up.port }], timeoutMs });
  const handler = createHandler(chain([cache, forward], () => assert.fail("forward ends the chain")));
  t.after(async () => {
    await forward.close();
    await up.close();
  });
  const ask = async (msg: Buffer, transport: "udp" | "tcp" = "udp") =>
    dnsPacket.decode((await handler(msg, transport, "127.0.0.1"))!);
  return { up, cache, ask, advance: (seconds: number) => (clock += seconds * 1000) };
}

test("a hit carries the new ID, the client's case and the decremented TTL, without asking upstream", async (t) => {
  const { up, ask, advance } = await setup(t);
  up.set("web.example.test", "A", {
    type: "answer",
    answers: [
      { type: "A", ttl: 60, data: "192.0.2.1" },
      { type: "A", ttl: 90, data: "192.0.2.2" },
    ],
  });
  const first = await ask(query("web.example.test", "A", 1));
  assert.deepEqual(ttls(first), [60, 90]);
  advance(10.5);
  const hit = await ask(query("WEB.Example.TEST", "A", 777));
  assert.equal(hit.id, 777);
  assert.equal(hit.questions?.[0]?.name, "WEB.Example.TEST");
  assert.deepEqual(ttls(hit), [49, 49]);
  assert.deepEqual(
    hit.answers?.map((r) => (r as { data: unknown }).data),
    ["192.0.2.1", "192.0.2.2"],
  );
  assert.equal(up.count("web.example.test"), 1);
});

test("an expired answer is fetched again", async (t) => {
  const { up, ask, advance } = await setup(t);
  up.set("e.test", "A", { type: "answer", answers: [{ type: "A", ttl: 30, data: "192.0.2.1" }] });
  await ask(query("e.test"));
  advance(29.9);
  await ask(query("e.test"));
  assert.equal(up.count("e.test"), 1);
  advance(0.1);
  up.set("e.test", "A", { type: "answer", answers: [{ type: "A", ttl: 30, data: "192.0.2.9" }] });
  const fresh = await ask(query("e.test"));
  assert.equal(up.count("e.test"), 2);
  assert.deepEqual(
    fresh.answers?.map((r) => (r as { data: unknown }).data),
    ["192.0.2.9"],
  );
});

test("negative answers live for min(SOA TTL, SOA MINIMUM), capped by maxNegativeTtl", async (t) => {
  const { up, ask, advance } = await setup(t, { maxNegativeTtl: 100 });
  up.set("gone.test", "A", { type: "nxdomain", soa: { zone: "test", ttl: 600, minimum: 20 } });
  up.set("v4only.test", "AAAA", { type: "nodata", soa: { zone: "test", ttl: 15, minimum: 300 } });
  up.set("long.test", "A", { type: "nxdomain", soa: { zone: "test", ttl: 3600, minimum: 3600 } });
  assert.equal(rcode(await ask(query("gone.test"))), "NXDOMAIN");
  assert.equal(rcode(await ask(query("v4only.test", "AAAA"))), "NOERROR");
  await ask(query("long.test"));
  advance(14);
  const nx = await ask(query("gone.test"));
  assert.equal(rcode(nx), "NXDOMAIN");
  assert.deepEqual(ttls(nx), [6]);
  const nodata = await ask(query("v4only.test", "AAAA"));
  assert.equal(nodata.answers?.length, 0);
  assert.deepEqual(ttls(nodata), [1]);
  assert.equal(up.count("gone.test") + up.count("v4only.test"), 2);
  advance(1);
  await ask(query("v4only.test", "AAAA"));
  assert.equal(up.count("v4only.test"), 2, "NODATA expired after 15 s");
  advance(5);
  await ask(query("gone.test"));
  assert.equal(up.count("gone.test"), 2, "NXDOMAIN expired after 20 s");
  advance(79);
  await ask(query("long.test"));
  assert.equal(up.count("long.test"), 1);
  advance(1);
  await ask(query("long.test"));
  assert.equal(up.count("long.test"), 2, "capped at maxNegativeTtl");
});

test("positive TTLs are capped by maxTtl and floored by minTtl", async (t) => {
  const { up, ask, advance } = await setup(t, { maxTtl: 100, minTtl: 5 });
  up.set("long.test", "A", { type: "answer", answers: [{ type: "A", ttl: 86400, data: "192.0.2.1" }] });
  up.set("zero.test", "A", { type: "answer", answers: [{ type: "A", ttl: 0, data: "192.0.2.2" }] });
  await ask(query("long.test"));
  await ask(query("zero.test"));
  advance(4);
  assert.deepEqual(ttls(await ask(query("long.test"))), [96]);
  await ask(query("zero.test"));
  assert.equal(up.count("zero.test"), 1, "TTL 0 raised to minTtl 5");
  advance(96);
  await ask(query("long.test"));
  assert.equal(up.count("long.test"), 2);
});

test("SERVFAIL, TTL 0 and truncated answers are not kept", async (t) => {
  const { up, cache, ask } = await setup(t);
  up.set("sf.test", "A", { type: "servfail" });
  up.set("zero.test", "A", { type: "answer", answers: [{ type: "A", ttl: 0, data: "192.0.2.2" }] });
  up.set("big.test", "A", {
    type: "answer",
    answers: Array.from({ length: 60 }, (_, i) => ({ type: "A" as const, ttl: 60, data: `198.51.100.${i}` })),
  });
  for (let i = 0; i < 2; i++) {
    await ask(query("sf.test"));
    await ask(query("zero.test"));
  }
  assert.equal(up.count("sf.test"), 2);
  assert.equal(up.count("zero.test"), 2);
  const udp = await ask(query("big.test"));
  assert.equal(udp.flag_tc, true);
  assert.equal(cache.size, 0);
  // The full answer over TCP is kept, and a later UDP client it does not fit gets TC from the cache.
  assert.equal((await ask(query("big.test"), "tcp")).answers?.length, 60);
  assert.equal(cache.size, 1);
  const before = up.queries.length;
  const again = await ask(query("big.test", "A", 55));
  assert.equal(again.flag_tc, true);
  assert.equal(again.id, 55);
  assert.equal((await ask(query("big.test"), "tcp")).answers?.length, 60);
  assert.equal(up.queries.length, before);
});

test("serve-stale: an expired answer within the window is served with TTL 30 when the upstream fails", async (t) => {
  const { up, ask, advance } = await setup(t, { serveStale: 3600 }, 100);
  up.set("s.test", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.7" }] });
  up.set("t.test", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.8" }] });
  await ask(query("s.test"));
  await ask(query("t.test"));
  advance(120);
  up.set("s.test", "A", { type: "servfail" });
  up.set("t.test", "A", { type: "timeout" });
  for (const name of ["s.test", "t.test"]) {
    const stale = await ask(query(name));
    assert.equal(rcode(stale), "NOERROR", name);
    assert.deepEqual(ttls(stale), [30], name);
  }
  assert.equal(up.count("s.test"), 2);
  advance(3600);
  assert.equal(rcode(await ask(query("s.test"))), "SERVFAIL", "past the stale window");
});

test("without serve-stale an upstream failure after expiry is SERVFAIL", async (t) => {
  const { up, ask, advance } = await setup(t);
  up.set("s.test", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.7" }] });
  await ask(query("s.test"));
  advance(61);
  up.set("s.test", "A", { type: "servfail" });
  assert.equal(rcode(await ask(query("s.test"))), "SERVFAIL");
});

test("the DO bit and EDNS presence are part of the key; the OPT record is only there when asked", async (t) => {
  const { up, ask } = await setup(t);
  up.set("k.test", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.1" }] });
  const plain = await ask(query("k.test"));
  const edns = await ask(query("k.test", "A", 2, 0));
  const dnssec = await ask(query("k.test", "A", 3, dnsPacket.DNSSEC_OK));
  assert.equal(up.count("k.test"), 3);
  assert.equal(plain.additionals?.length, 0);
  assert.equal(edns.additionals?.[0]?.type, "OPT");
  assert.equal(((dnssec.additionals?.[0] as { flags?: number }).flags ?? 0) & dnsPacket.DNSSEC_OK, dnsPacket.DNSSEC_OK);
  await ask(query("k.test", "A", 4, 0));
  assert.equal(up.count("k.test"), 3);
});

test("bounded: the oldest entry goes when full", () => {
  let clock = 0;
  const cache = new CachePlugin({ maxEntries: 3, now: () => clock });
  let calls = 0;
  const upstream = (msg: Buffer): DnsReply => {
    calls++;
    const q = dnsPacket.decode(msg);
    return {
      type: "raw",
      bytes: dnsPacket.encode({
        type: "response",
        id: q.id ?? 0,
        questions: q.questions ?? [],
        answers: [{ name: q.questions![0]!.name, type: "A", ttl: 60, data: "192.0.2.1" }],
      }),
    };
  };
  const serve = (name: string) => {
    const msg = query(name);
    const q = parseQuery(msg) as ParsedQuery;
    return cache.serve({ msg, query: q, transport: "udp", clientAddress: "127.0.0.1" }, (req) => upstream(req.msg));
  };
  for (const n of ["a", "b", "c", "d", "e"]) serve(`${n}.test`);
  assert.equal(cache.size, 3);
  assert.equal(calls, 5);
  serve("e.test");
  serve("c.test");
  assert.equal(calls, 5);
  serve("a.test");
  assert.equal(calls, 6, "a was evicted");
  clock += 1;
  assert.equal(cache.size, 3);
});

test("bad settings are refused", () => {
  assert.throws(() => new CachePlugin({ maxTtl: -1 }), /maxTtl must be a non-negative number, got -1/);
});
