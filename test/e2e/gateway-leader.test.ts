/**
 * Two gateways on one API server: both serve, one holds the status Lease and writes statuses, so
 * the two (here on different listeners, which their status messages name) never overwrite each
 * other's status; when the leader stops it releases the lease and the other takes over at once.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { resourceByPath } from "../../src/api/resources.ts";
import type { DNSRecord, Lease } from "../../src/api/types.ts";
import { type RunningGateway, STATUS_LEASE, startGateway } from "../../src/gateway/index.ts";
import { freePort } from "../support/free-port.ts";
import { waitFor } from "../support/wait-for.ts";
import { DNSRECORDS, type Echo, type GatewayHarness, http, startEcho, startGatewayHarness } from "./gateway-harness.ts";

const LEASES = resourceByPath("coordination.k8s.io", "leases")!;

let h: GatewayHarness;
let second: RunningGateway;
let secondPort: number;
let echo: Awaited<ReturnType<typeof startEcho>>;

before(async () => {
  h = await startGatewayHarness("builtin");
  secondPort = await freePort();
  second = await startGateway({
    client: h.client,
    engine: "builtin",
    host: "127.0.0.1",
    port: secondPort,
    dataDir: `${h.dataDir}/second`,
  });
  echo = await startEcho("leader-echo");
});

after(async () => {
  await second?.close();
  await echo?.close();
  await h?.close();
});

const served = async (): Promise<DNSRecord> => h.client.get<DNSRecord>(DNSRECORDS, "default", "two");

test("one gateway writes statuses, both serve, and the other takes over when the leader stops", async () => {
  await h.client.create(DNSRECORDS, "default", {
    metadata: { name: "two" },
    spec: { host: "two.test", paths: [{ path: "/", address: "127.0.0.1", port: echo.port }] },
  });
  await h.served("two");
  const lease = await waitFor(
    async () => {
      const l = await h.client.get<Lease>(LEASES, STATUS_LEASE.namespace, STATUS_LEASE.name);
      return l.spec?.holderIdentity ? l : undefined;
    },
    { what: "the status lease held" },
  );
  const leaderIsFirst = lease.spec!.holderIdentity!.endsWith(`_builtin_127.0.0.1:${h.port}`);
  const [leader, follower, followerPort] = leaderIsFirst
    ? [h.gateway, second, secondPort]
    : [second, h.gateway, h.port];
  await waitFor(() => second.ready(), { what: "second gateway synced" });

  // Both serve the record.
  for (const port of [h.port, secondPort]) {
    const reply = await http(port, "two.test", "/x");
    assert.equal(reply.status, 200, `gateway on ${port}`);
    assert.equal((JSON.parse(reply.body) as Echo).name, "leader-echo");
  }

  // Changes that make both gateways run passes leave the record's status alone.
  const rv = (await served()).metadata.resourceVersion;
  const passes = [leader.passes(), follower.passes()];
  // (Other records: a Service no route names is no change to a gateway.)
  for (let i = 0; i < 3; i++) {
    await h.client.create(DNSRECORDS, "default", {
      metadata: { name: `poke-${i}` },
      spec: { host: `poke-${i}.test`, paths: [{ path: "/", address: "127.0.0.1", port: echo.port }] },
    });
  }
  await waitFor(() => leader.passes() >= passes[0]! + 1 && follower.passes() >= passes[1]! + 1, {
    what: "both gateways ran passes after the changes",
  });
  assert.equal((await served()).metadata.resourceVersion, rv, "no status write after passes that changed nothing");

  // The leader stops: the follower takes the lease without waiting for it to expire and writes its view.
  await leader.close();
  const message = await waitFor(
    async () => {
      const m = (await served()).status?.conditions?.[0]?.message ?? "";
      return m.includes(`127.0.0.1:${followerPort}`) ? m : undefined;
    },
    { what: "the remaining gateway's status", timeoutMs: 10_000 },
  );
  assert.match(message, /served by the builtin gateway/);
  const taken = await h.client.get<Lease>(LEASES, STATUS_LEASE.namespace, STATUS_LEASE.name);
  assert.ok(taken.spec?.holderIdentity?.endsWith(`_builtin_127.0.0.1:${followerPort}`), taken.spec?.holderIdentity);
  assert.equal(taken.spec?.leaseTransitions, 1);
});
