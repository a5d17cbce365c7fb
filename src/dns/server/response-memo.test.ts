import { test } from "node:test";
import assert from "node:assert/strict";
import * as dnsPacket from "dns-packet";
import { encodeSections } from "../wire/records.ts";
import { chain, type DnsReply } from "../plugin.ts";
import { createHandler } from "./handler.ts";

/** A plugin answering from a one-entry "cache" it can drop, counting how often it runs. */
function cachedPlugin() {
  const state = { calls: 0, address: "10.0.0.1", current: undefined as (DnsReply & { stale: boolean }) | undefined };
  const plugin = {
    name: "stub",
    serve(): DnsReply {
      state.calls++;
      state.current ??= {
        type: "answer", rcode: 0, authoritative: true, stale: false,
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
    type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: "A", class: "IN" }],
    ...(edns ? { additionals: [{ type: "OPT", name: ".", udpPayloadSize: 1232, flags: 0 } as unknown as dnsPacket.Answer] } : {}),
  });

function answers(out: Buffer | undefined): { id: number; names: string[] } {
  assert.ok(out);
  const p = dnsPacket.decode(out);
  return { id: p.id ?? -1, names: (p.answers ?? []).map((a) => `${a.name} ${String((a as { data?: unknown }).data)}`) };
}

test("a repeated UDP query is answered from the memo with its own ID, until the answer is dropped", async () => {
  const { plugin, state, drop } = cachedPlugin();
  const handler = createHandler(chain([plugin], () => assert.fail("stub answers all")));
  assert.deepEqual(answers(await handler(query(1), "udp", "127.0.0.1")), { id: 1, names: ["web.test 10.0.0.1"] });
  assert.deepEqual(answers(await handler(query(2), "udp", "127.0.0.1")), { id: 2, names: ["web.test 10.0.0.1"] });
  assert.equal(state.calls, 1, "the second query never reached the plugin");
  // Another case of the name, or an EDNS query, is another key: its own answer, echoing its own bytes.
  assert.deepEqual(answers(await handler(query(3, "WEB.test"), "udp", "127.0.0.1")), { id: 3, names: ["WEB.test 10.0.0.1"] });
  const withOpt = dnsPacket.decode((await handler(query(4, "web.test", true), "udp", "127.0.0.1"))!);
  assert.equal(withOpt.additionals?.[0]?.type, "OPT");
  assert.equal(state.calls, 3);
  drop("10.0.0.2");
  assert.deepEqual(answers(await handler(query(5), "udp", "127.0.0.1")), { id: 5, names: ["web.test 10.0.0.2"] });
  assert.equal(state.calls, 4);
  // TCP always goes through the chain.
  await handler(query(6), "tcp", "127.0.0.1");
  assert.equal(state.calls, 5);
});

test("answers that no cache holds are never memoized", async () => {
  let calls = 0;
  const handler = createHandler(chain([], () => {
    calls++;
    return { type: "answer", rcode: 3, authoritative: true, sections: undefined };
  }));
  await handler(query(1), "udp", "127.0.0.1");
  await handler(query(2), "udp", "127.0.0.1");
  assert.equal(calls, 2);
});
