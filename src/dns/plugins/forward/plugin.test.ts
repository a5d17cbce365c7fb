import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { type FakeUpstream, startFakeUpstream } from "../../../../test/support/fake-upstream.ts";
import { waitFor } from "../../../../test/support/wait-for.ts";
import { chain } from "../../plugin.ts";
import { createHandler } from "../../server/handler.ts";
import { type ForwardOptions, ForwardPlugin } from "./plugin.ts";

function query(name: string, type: dnsPacket.RecordType = "A", id = 1000, edns = false): Buffer {
  const additionals = edns
    ? [{ type: "OPT", name: ".", udpPayloadSize: 1232, flags: 0, options: [] } as unknown as dnsPacket.Answer]
    : [];
  return dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: "IN" }],
    additionals,
  });
}

const rcode = (p: dnsPacket.DecodedPacket): string | undefined => (p as { rcode?: string }).rcode;

async function setup(t: { after(fn: () => unknown): void }, count: number, options: Partial<ForwardOptions> = {}) {
  const ups: FakeUpstream[] = [];
  // Registered first: upstreams already started are closed even when a later one fails to start.
  t.after(async () => {
    for (const u of ups) await u.close();
  });
  for (let i = 0; i < count; i++) ups.push(await startFakeUpstream());
  const forward = new ForwardPlugin({ upstreams: ups.map((u) => ({ host: u.host, port: u.port })), ...options });
  const errors: unknown[] = [];
  const handler = createHandler(
    chain([forward], () => {
      throw new Error("forward must end the chain");
    }),
    { onError: (e) => errors.push(e) },
  );
  t.after(() => forward.close());
  const ask = async (msg: Buffer, transport: "udp" | "tcp" = "udp"): Promise<dnsPacket.DecodedPacket> => {
    const out = await handler(msg, transport, "127.0.0.1");
    assert.ok(out, "an answer");
    return dnsPacket.decode(out);
  };
  return { ups, forward, ask, errors };
}

test("A, AAAA, TXT and MX are forwarded with the client's ID and question case", async (t) => {
  const {
    ups: [up],
    ask,
    errors,
  } = await setup(t, 1);
  up!.set("www.example.test", "A", { type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.10" }] });
  up!.set("www.example.test", "AAAA", { type: "answer", answers: [{ type: "AAAA", ttl: 60, data: "2001:db8::10" }] });
  up!.set("www.example.test", "TXT", { type: "answer", answers: [{ type: "TXT", ttl: 60, data: ["v=spf1 -all"] }] });
  up!.set("example.test", "MX", {
    type: "answer",
    answers: [{ type: "MX", ttl: 60, data: { preference: 10, exchange: "mail.example.test" } }],
  });
  const a = await ask(query("WWW.Example.TEST", "A", 4321));
  assert.equal(a.id, 4321);
  assert.equal(a.questions?.[0]?.name, "WWW.Example.TEST");
  assert.deepEqual(
    a.answers?.map((r) => (r as { data: unknown }).data),
    ["192.0.2.10"],
  );
  assert.deepEqual(
    (await ask(query("www.example.test", "AAAA"))).answers?.map((r) => (r as { data: unknown }).data),
    ["2001:db8::10"],
  );
  const txt = await ask(query("www.example.test", "TXT"));
  assert.equal(String((txt.answers?.[0] as { data: Buffer[] }).data[0]), "v=spf1 -all");
  const mx = await ask(query("example.test", "MX", 7, true), "tcp");
  assert.deepEqual((mx.answers?.[0] as { data: unknown }).data, { preference: 10, exchange: "mail.example.test" });
  assert.equal(mx.additionals?.[0]?.type, "OPT");
  const nx = await ask(query("nope.example.test"));
  assert.equal(rcode(nx), "NXDOMAIN");
  // The upstream saw fresh random IDs, not the client's.
  assert.equal(
    up!.queries.some((q) => q.id === 4321),
    false,
  );
  assert.deepEqual(errors, []);
});

test("a truncated UDP answer is fetched again over TCP; a UDP client it does not fit gets TC", async (t) => {
  const {
    ups: [up],
    ask,
  } = await setup(t, 1);
  const many = Array.from({ length: 60 }, (_, i) => ({ type: "A" as const, ttl: 30, data: `198.51.100.${i}` }));
  up!.set("big.test", "A", { type: "answer", answers: many });
  const tcp = await ask(query("big.test", "A", 5), "tcp");
  assert.equal(tcp.flag_tc, false);
  assert.equal(tcp.answers?.length, 60);
  assert.deepEqual(
    up!.queries.map((q) => q.transport),
    ["udp", "tcp"],
  );
  const udp = await ask(query("big.test", "A", 6), "udp");
  assert.equal(udp.flag_tc, true);
  assert.equal(udp.id, 6);
  assert.equal(udp.answers?.length, 0);
  assert.equal(rcode(udp), "NOERROR");
});

test("an upstream that times out is skipped, then tried last until it answers again", async (t) => {
  const {
    ups: [slow, good],
    ask,
    forward,
  } = await setup(t, 2, { timeoutMs: 200 });
  slow!.set("a.test", "A", { type: "timeout" });
  good!.set("a.test", "A", { type: "answer", answers: [{ type: "A", ttl: 5, data: "192.0.2.1" }] });
  const res = await ask(query("a.test"));
  assert.equal(rcode(res), "NOERROR");
  assert.equal(slow!.count("a.test"), 1);
  assert.equal(good!.count("a.test"), 1);
  assert.deepEqual(
    forward.upstreamOrder().map((u) => u.port),
    [good!.port, slow!.port],
  );
  assert.equal(rcode(await ask(query("a.test", "A", 2))), "NOERROR");
  assert.equal(slow!.count("a.test"), 1, "the healthy upstream is asked first");
  assert.equal(good!.count("a.test"), 2);
});

test("all upstreams down: SERVFAIL within timeout × upstreams", async (t) => {
  const { ups, ask } = await setup(t, 2, { timeoutMs: 150 });
  for (const u of ups) u.setDefault({ type: "timeout" });
  const started = Date.now();
  const res = await ask(query("down.test", "A", 99));
  const took = Date.now() - started;
  assert.equal(rcode(res), "SERVFAIL");
  assert.equal(res.id, 99);
  assert.ok(took >= 250 && took < 1500, `took ${took} ms`);
  assert.deepEqual(
    ups.map((u) => u.count("down.test")),
    [1, 1],
  );
});

test("close() ends exchanges in flight with SERVFAIL at once", async (t) => {
  const { ups } = await setup(t, 1);
  const forward = new ForwardPlugin({
    upstreams: Array(10).fill({ host: ups[0]!.host, port: ups[0]!.port }),
    timeoutMs: 2000,
  });
  t.after(() => forward.close());
  ups[0]!.setDefault({ type: "timeout" });
  const msg = query("slow.test");
  const { parseQuery } = await import("../../wire/query.ts");
  const q = parseQuery(msg);
  assert.equal(q.type, "query");
  if (q.type !== "query") return;
  const pending = forward.serve({ msg, query: q, transport: "udp", clientAddress: "127.0.0.1" }, () => assert.fail());
  await waitFor(() => ups[0]!.count("slow.test") === 1, { what: "the query upstream" });
  const started = Date.now();
  await forward.close();
  const reply = await pending;
  assert.ok(Date.now() - started < 500);
  assert.equal(reply.type === "answer" && reply.rcode, 2);
});

test("answers with a wrong ID or question are dropped while waiting for the right one", async (t) => {
  const {
    ups: [up],
    ask,
  } = await setup(t, 1, { timeoutMs: 300 });
  up!.set("id.test", "A", {
    type: "wrong-id",
    then: { type: "delay", ms: 20, then: { type: "answer", answers: [{ type: "A", ttl: 5, data: "192.0.2.2" }] } },
  });
  up!.set("q.test", "A", {
    type: "wrong-question",
    then: { type: "delay", ms: 20, then: { type: "answer", answers: [{ type: "A", ttl: 5, data: "192.0.2.3" }] } },
  });
  up!.set("only-wrong.test", "A", { type: "wrong-id" });
  assert.deepEqual(
    (await ask(query("id.test"))).answers?.map((r) => (r as { data: unknown }).data),
    ["192.0.2.2"],
  );
  assert.deepEqual(
    (await ask(query("q.test"))).answers?.map((r) => (r as { data: unknown }).data),
    ["192.0.2.3"],
  );
  assert.equal(rcode(await ask(query("only-wrong.test"))), "SERVFAIL");
});

test("SERVFAIL from one upstream: the next one is asked", async (t) => {
  const {
    ups: [bad, good],
    ask,
  } = await setup(t, 2);
  bad!.set("sf.test", "A", { type: "servfail" });
  good!.set("sf.test", "A", { type: "answer", answers: [{ type: "A", ttl: 5, data: "192.0.2.4" }] });
  assert.equal(rcode(await ask(query("sf.test"))), "NOERROR");
  good!.set("sf.test", "A", { type: "servfail" });
  assert.equal(rcode(await ask(query("sf.test"))), "SERVFAIL");
});

test("10 identical queries in flight share one upstream query; each gets its own ID and case", async (t) => {
  const {
    ups: [up],
    ask,
  } = await setup(t, 1);
  up!.set("hot.test", "A", { type: "answer", delayMs: 100, answers: [{ type: "A", ttl: 5, data: "192.0.2.5" }] });
  const names = ["hot.test", "HOT.test", "hOt.TeSt"];
  const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(query(names[i % 3]!, "A", 2000 + i))));
  assert.equal(up!.count("hot.test"), 1);
  replies.forEach((r, i) => {
    assert.equal(r.id, 2000 + i);
    assert.equal(r.questions?.[0]?.name, names[i % 3]);
    assert.equal(r.answers?.length, 1);
  });
  await ask(query("hot.test"));
  assert.equal(up!.count("hot.test"), 2, "a later query is not coalesced with a finished one");
});

test("an upstream that is this server is refused: a forwarding loop", () => {
  assert.throws(
    () =>
      new ForwardPlugin({
        upstreams: [{ host: "127.0.0.1", port: 1053 }],
        selfAddresses: [{ host: "127.0.0.1", port: 1053 }],
      }),
    /upstream 127.0.0.1:1053 is this DNS server.s own address \(a forwarding loop\)/,
  );
  assert.throws(
    () => new ForwardPlugin({ upstreams: [{ host: "::1", port: 53 }], selfAddresses: [{ host: "::", port: 53 }] }),
    /forwarding loop/,
  );
  assert.throws(
    () =>
      new ForwardPlugin({
        upstreams: [{ host: "127.0.0.1", port: 53 }],
        selfAddresses: [{ host: "0.0.0.0", port: 53 }],
      }),
    /forwarding loop/,
  );
  assert.throws(
    () =>
      new ForwardPlugin({
        upstreams: [{ host: "127.0.0.2", port: 53 }],
        selfAddresses: [{ host: "0.0.0.0", port: 53 }],
      }),
    /forwarding loop/,
    "all of 127.0.0.0/8 reaches a wildcard listener",
  );
  assert.throws(() => new ForwardPlugin({ upstreams: [] }), /at least one upstream/);
  const ok = new ForwardPlugin({
    upstreams: [{ host: "127.0.0.1", port: 5353 }],
    selfAddresses: [{ host: "127.0.0.1", port: 1053 }],
  });
  void ok.close();
});
