/**
 * Before the first sync a cluster name gets SERVFAIL, never a false NXDOMAIN, and /readyz says
 * not ready (CoreDNS TestNotSyncedServeDNS and its ready plugin) — with an API that never answers.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { PartStack } from "../../src/cli/stack.ts";
import type { InformerSource } from "../../src/client/informer.ts";
import { startDns } from "../../src/dns/index.ts";
import { startHealthServer } from "../../src/machinery/health-server.ts";
import { dig } from "../support/dig.ts";

/** An API whose lists never complete. */
const neverSyncs = {
  list: () => new Promise<never>(() => undefined),
  watch: async function* () {
    await new Promise<never>(() => undefined);
  },
} as unknown as InformerSource;

test("unsynced: cluster names are SERVFAIL and /readyz is 503; /healthz is ok", async () => {
  const stack = new PartStack();
  try {
    const dns = await startDns({
      source: neverSyncs,
      listen: { host: "127.0.0.1", port: 0 },
      gatewayAddresses: ["127.0.0.1"],
    });
    stack.push({ name: "dns", close: () => dns.close() });
    const health = await startHealthServer({ host: "127.0.0.1", port: 0 }, dns.ready);
    stack.push({ name: "health", close: () => health.close() });
    for (const name of ["web.default.svc.cluster.local", "nothing.here.svc.cluster.local", "cluster.local"]) {
      const r = await dig("127.0.0.1", dns.address.port, [name]);
      assert.equal(r.status, "SERVFAIL", name);
      assert.ok(!r.flags.includes("aa"), `${name} is not authoritative before sync`);
    }
    assert.equal((await fetch(`http://127.0.0.1:${health.port}/readyz`)).status, 503);
    assert.equal((await fetch(`http://127.0.0.1:${health.port}/healthz`)).status, 200);
    assert.equal(dns.ready(), false);
  } finally {
    await stack.close();
  }
});
