import assert from "node:assert/strict";
import { test } from "node:test";
import * as dnsPacket from "dns-packet";
import { startFakeUpstream } from "../../../test/support/fake-upstream.ts";
import { chain, type DnsReply, type DnsRequest, type Next } from "../plugin.ts";
import { RecursionAclPlugin } from "../plugins/acl/plugin.ts";
import { CachePlugin } from "../plugins/cache/plugin.ts";
import { ForwardPlugin } from "../plugins/forward/plugin.ts";
import { encodeSections } from "../wire/records.ts";
import { createHandler, type MessageHandler } from "./handler.ts";

/** What the UDP listener does: the memo first, else the handler. */
function udp(
  handler: MessageHandler,
  msg: Buffer,
  client = "127.0.0.1",
  reuse = true,
): Buffer | undefined | Promise<Buffer | undefined> {
  return handler.memoized?.(msg, client, reuse) ?? handler(msg, "udp", client);
}

/** A plugin answering from a one-entry "cache" it can drop, counting how often it runs. */
function cachedPlugin() {
  const state = { calls: 0, address: "10.0.0.1", current: undefined as (DnsReply & { stale: boolean }) | undefined };
  const plugin = {
    name: "stub",
    serve(): DnsReply {
      state.calls++;
      state.current ??= {
        type: "answer",
        rcode: 0,
        authoritative: true,
        stale: false,
        sections: encodeSections([{ owner: 12, ttl: 5, data: { type: "A", address: state.address } }]),
      };
      return state.current;
    },
  };
  const drop = (address: string): void => {
    if (state.current) state.current.stale = true;
    state.current = undefined;
    state.address = address;
  };
  return { plugin, state, drop };
}

const query = (id: number, name = "web.test", edns = false): Buffer =>
  dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: "A", class: "IN" }],
    ...(edns
      ? { additionals: [{ type: "OPT", name: ".", udpPayloadSize: 1232, flags: 0 } as unknown as dnsPacket.Answer] }
      : {}),
  });

function answers(out: Buffer | undefined): { id: number; names: string[] } {
  assert.ok(out);
  const p = dnsPacket.decode(out);
  return { id: p.id ?? -1, names: (p.answers ?? []).map((a) => `${a.name} ${String((a as { data?: unknown }).data)}`) };
}

test("a repeated UDP query is answered from the memo with its own ID, until the answer is dropped", async () => {
  const { plugin, state, drop } = cachedPlugin();
  const handler = createHandler(chain([plugin], () => assert.fail("stub answers all")));
  assert.deepEqual(answers(await udp(handler, query(1))), { id: 1, names: ["web.test 10.0.0.1"] });
  assert.deepEqual(answers(await udp(handler, query(2))), { id: 2, names: ["web.test 10.0.0.1"] });
  assert.equal(state.calls, 1, "the second query never reached the plugin");
  // Another case of the name, or an EDNS query, is another key: its own answer, echoing its own bytes.
  assert.deepEqual(answers(await udp(handler, query(3, "WEB.test"))), { id: 3, names: ["WEB.test 10.0.0.1"] });
  const withOpt = dnsPacket.decode((await udp(handler, query(4, "web.test", true)))!);
  assert.equal(withOpt.additionals?.[0]?.type, "OPT");
  assert.equal(state.calls, 3);
  drop("10.0.0.2");
  assert.deepEqual(answers(await udp(handler, query(5))), { id: 5, names: ["web.test 10.0.0.2"] });
  assert.equal(state.calls, 4);
  // Without `reuse` (a send still queued) a hit is a copy the next hit leaves alone.
  const copy = (await udp(handler, query(7), "127.0.0.1", false))!;
  const own = (await udp(handler, query(8)))!;
  assert.deepEqual([answers(copy).id, answers(own).id], [7, 8]);
  assert.equal((await udp(handler, query(9)))!, own, "with reuse, the memo's own buffer, its ID rewritten");
  assert.equal(answers(own).id, 9);
  assert.equal(state.calls, 4);
  // TCP always goes through the chain.
  await handler(query(6), "tcp", "127.0.0.1");
  assert.equal(state.calls, 5);
});

test("answers that no cache holds are never memoized", async () => {
  let calls = 0;
  const handler = createHandler(
    chain([], () => {
      calls++;
      return { type: "answer", rcode: 3, authoritative: true, sections: undefined };
    }),
  );
  await udp(handler, query(1));
  await udp(handler, query(2));
  assert.equal(calls, 2);
});

test("a cached forwarded answer is memoized for allowed clients only, and only within the second its TTLs hold", async (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: 1_000_000 });
  const up = await startFakeUpstream();
  up.setDefault({ type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.1" }] });
  const forward = new ForwardPlugin({ upstreams: [{ host: up.host, port: up.port }], timeoutMs: 1000 });
  t.after(async () => {
    await forward.close();
    await up.close();
  });
  let chainRuns = 0;
  const counter = { name: "counter", serve: (req: DnsRequest, next: Next) => (chainRuns++, next(req)) };
  const acl = new RecursionAclPlugin({ allow: ["127.0.0.0/8"] });
  const handler = createHandler(
    chain([counter, acl, new CachePlugin(), forward], () => assert.fail("forward ends the chain")),
  );
  const ask = async (id: number, client = "127.0.0.1") =>
    dnsPacket.decode((await udp(handler, query(id, "ext.test"), client))!);
  const ttl = (p: dnsPacket.DecodedPacket) => (p.answers?.[0] as { ttl?: number } | undefined)?.ttl;

  assert.equal(ttl(await ask(1)), 60); // forwarded
  assert.equal(ttl(await ask(2)), 60); // a cache hit, remembered
  const hit = await ask(3);
  assert.deepEqual(
    [hit.id, ttl(hit), chainRuns, up.count("ext.test")],
    [3, 60, 2, 1],
    "the third never reached the chain",
  );
  assert.equal(
    ((await ask(4, "192.0.2.7")) as { rcode?: string }).rcode,
    "REFUSED",
    "a client the ACL refuses is not served from the memo",
  );
  assert.equal(chainRuns, 3);
  t.mock.timers.tick(1500);
  assert.equal(ttl(await ask(5)), 58, "once its TTLs are out of date the memo asks the cache again");
  assert.equal(chainRuns, 4);
  assert.equal(ttl(await ask(6)), 58);
  assert.equal(chainRuns, 4, "and remembers the new bytes");
});

test("a cached forwarded answer stays memoized by the cache's own clock, whatever it is", async (t) => {
  const up = await startFakeUpstream();
  up.setDefault({ type: "answer", answers: [{ type: "A", ttl: 60, data: "192.0.2.1" }] });
  const forward = new ForwardPlugin({ upstreams: [{ host: up.host, port: up.port }], timeoutMs: 1000 });
  t.after(async () => {
    await forward.close();
    await up.close();
  });
  let clock = 5_000_000;
  let chainRuns = 0;
  const counter = { name: "counter", serve: (req: DnsRequest, next: Next) => (chainRuns++, next(req)) };
  const cache = new CachePlugin({ now: () => clock });
  const handler = createHandler(
    chain([counter, new RecursionAclPlugin({ allow: ["127.0.0.0/8"] }), cache, forward], () =>
      assert.fail("forward ends the chain"),
    ),
  );
  const ttl = async (id: number) =>
    (dnsPacket.decode((await udp(handler, query(id, "ext.test")))!).answers?.[0] as { ttl?: number } | undefined)?.ttl;
  assert.equal(await ttl(1), 60);
  assert.equal(await ttl(2), 60);
  assert.equal(await ttl(3), 60);
  assert.equal(chainRuns, 2, "the third came from the memo");
  clock += 2500;
  assert.equal(await ttl(4), 57, "the injected clock moved: the memo asks the cache again");
  assert.equal(chainRuns, 3);
});
