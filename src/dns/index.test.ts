import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { test } from "node:test";
import type { InformerSource } from "../client/informer.ts";
import { startDns } from "./index.ts";

/** An API whose lists never complete: DNS starts, but never syncs. */
const neverSyncs = {
  list: () => new Promise<never>(() => undefined),
  watch: async function* () {
    await new Promise<never>(() => undefined);
  },
} as unknown as InformerSource;

function bindUdp(port: number): Promise<void> {
  const sock = createSocket("udp4");
  return new Promise((resolve, reject) => {
    sock.once("error", reject);
    sock.bind(port, "127.0.0.1", () => sock.close(() => resolve()));
  });
}

test("aborting the signal stops DNS and frees its port", async () => {
  const stop = new AbortController();
  const dns = await startDns({ source: neverSyncs, listen: { host: "127.0.0.1", port: 0 } }, stop.signal);
  assert.equal(dns.ready(), false);
  await assert.rejects(bindUdp(dns.address.port), /EADDRINUSE/);
  stop.abort();
  await dns.close();
  await bindUdp(dns.address.port);
});

test("an upstream that is this server refuses the start with one line, leaving nothing bound", async () => {
  const probe = await startDns({ source: neverSyncs, listen: { host: "127.0.0.1", port: 0 } });
  const port = probe.address.port;
  await probe.close();
  await assert.rejects(
    startDns({ source: neverSyncs, listen: { host: "0.0.0.0", port }, upstream: [{ host: "127.0.0.1", port }] }),
    {
      message: `dns: upstream 127.0.0.1:${port} is this DNS server's own address (a forwarding loop); point it at another resolver`,
    },
  );
  await bindUdp(port);
});
