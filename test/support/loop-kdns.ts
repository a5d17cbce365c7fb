/** A kdns DNS server with the loop + forward chain wired as the CLI wires it (loop plugin tests). */
import assert from "node:assert/strict";
import { chain } from "../../src/dns/plugin.ts";
import { exchangeUdp } from "../../src/dns/plugins/forward/exchange.ts";
import { ForwardPlugin } from "../../src/dns/plugins/forward/plugin.ts";
import { LoopPlugin, type ProbeOutcome } from "../../src/dns/plugins/loop/plugin.ts";
import { createHandler, startDnsServer } from "../../src/dns/server/index.ts";

/** An upstream address. */
export type Up = { host: string; port: number };
/** What registers cleanups (a node:test context). */
export type Cleanup = { after(fn: () => unknown): void };

/** Starts one on `port` (0: any) forwarding to `upstreams`, its loop probes carrying `token`. */
export async function startKdns(t: Cleanup, port: number, upstreams: Up[], token: string) {
  const forward = new ForwardPlugin({ upstreams, timeoutMs: 500 });
  const loops: ProbeOutcome[] = [];
  const loop = new LoopPlugin({
    upstreams,
    exchange: exchangeUdp,
    token,
    timeoutMs: 500,
    onLoop: (found) => {
      loops.push(found);
      forward.markLooped(found.upstream);
    },
  });
  const handler = createHandler(chain([loop, forward], () => assert.fail("forward ends the chain")));
  const server = await startDnsServer({ listen: { host: "127.0.0.1", port }, handler });
  t.after(async () => {
    await loop.close();
    await forward.close();
    await server.close();
  });
  return { port: server.address.port, loop, forward, loops };
}
