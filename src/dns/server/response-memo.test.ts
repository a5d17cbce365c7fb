import { test } from "node:test";
import assert from "node:assert/strict";
import * as dnsPacket from "dns-packet";
import { encodeSections } from "../wire/records.ts";
import { chain, type DnsReply } from "../plugin.ts";
import { createHandler, type MessageHandler } from "./handler.ts";

/** What the UDP listener does: the memo first, else the handler. */
function udp(handler: MessageHandler, msg: Buffer): Buffer | undefined | Promise<Buffer | undefined> {
  const known = handler.memoized?.(msg);
  return known ? Buffer.concat(known) : handler(msg, "udp", "127.0.0.1");
}

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
  await udp(handler, query(1));
  await udp(handler, query(2));
  assert.equal(calls, 2);
});
