import assert from "node:assert/strict";
import { test } from "node:test";
import { startForwardingStub } from "../../test/support/forwarding-stub.ts";
import { freePort } from "../../test/support/free-port.ts";
import { startKdns } from "../../test/support/loop-kdns.ts";
import { waitFor } from "../../test/support/wait-for.ts";
import type { Logger } from "../machinery/log.ts";
import type { DnsChain } from "./chain.ts";
import { checkLoopsAtStart } from "./loop-check.ts";
import type { LoopPlugin } from "./plugins/loop/plugin.ts";

const asChain = (loop: LoopPlugin): DnsChain =>
  ({ probeLoops: (s: AbortSignal) => loop.probe(s) }) as unknown as DnsChain;

function fakeLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: { error: (_obj: unknown, line: string) => void lines.push(line) } as unknown as Logger, lines };
}

test("a loop found while starting refuses the start with one line", async (t) => {
  const port = await freePort();
  const stub = await startForwardingStub({ target: { host: "127.0.0.1", port } });
  t.after(() => stub.close());
  const kdns = await startKdns(t, port, [{ host: stub.host, port: stub.port }], "eeeeeeeeee");
  const { log, lines } = fakeLog();
  await assert.rejects(checkLoopsAtStart(asChain(kdns.loop), log, new AbortController().signal), {
    name: "ForwardingLoopError",
    message: `dns: forwarding loop through upstream 127.0.0.1:${stub.port}: the probe query came back to this server; refusing to start: point --upstream at a resolver that does not forward to kdns`,
  });
  assert.deepEqual(lines, []);
});

test("a loop found after the start wait is logged once and forwarding to it stops", async (t) => {
  const port = await freePort();
  const slow = await startForwardingStub({ target: { host: "127.0.0.1", port }, delayMs: 300 });
  t.after(() => slow.close());
  const kdns = await startKdns(t, port, [{ host: slow.host, port: slow.port }], "ffffffffff");
  const { log, lines } = fakeLog();
  await checkLoopsAtStart(asChain(kdns.loop), log, new AbortController().signal, 50);
  assert.equal(kdns.forward.upstreamOrder().length, 1, "still forwarding while the probe is out");
  await waitFor(() => lines.length > 0, { what: "the loop log line" });
  assert.deepEqual(lines, [
    `dns: forwarding loop through upstream 127.0.0.1:${slow.port}: the probe query came back to this server; no longer forwarding to it`,
  ]);
  assert.deepEqual(kdns.forward.upstreamOrder(), []);
});

test("a chain without upstreams has nothing to probe", async () => {
  const { log, lines } = fakeLog();
  await checkLoopsAtStart({} as DnsChain, log, new AbortController().signal);
  assert.deepEqual(lines, []);
});
