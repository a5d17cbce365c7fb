/**
 * Events the gateway records, read with the real kubectl and kdns: a DNSRecord that loses a
 * host/path conflict gets one Warning `Conflict` Event whose count rises each time its spec is
 * changed and still loses (and not on passes other objects cause); a record whose Service does
 * not exist gets `BackendsUnavailable`; `kubectl get events`, `kubectl describe dnsrecord` and
 * `kdns describe dnsrecord` show them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { freePort } from "../support/free-port.ts";
import { gatewayArgs } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Cluster, requireKubectl, startCluster } from "./kubectl-harness.ts";

let c: Cluster;

before(async () => {
  requireKubectl();
  c = await startCluster(["--store", "memory", ...gatewayArgs(await freePort())]);
});

after(async () => {
  await c?.stop();
});

function record(name: string, host: string, path: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name, namespace: "default" },
    spec: { host, paths: [{ path: "/", ...path }] },
  });
}

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const r = await c.kubectl(args, stdin !== undefined ? { stdin } : {});
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

interface Ev {
  reason: string;
  type: string;
  count: number;
  message: string;
  involvedObject: { kind: string; name: string; uid?: string };
}

async function eventsAbout(name: string): Promise<Ev[]> {
  const out = await kubectl(["get", "events", "--field-selector", `involvedObject.name=${name}`, "-o", "json"]);
  return (JSON.parse(out) as { items: Ev[] }).items;
}

async function servedReason(name: string): Promise<string> {
  return kubectl(["get", "dnsrecord", name, "-o", "jsonpath={.status.conditions[0].reason}"]);
}

test("a lost conflict is one Event whose count rises on repeats, shown by get events and describe", async () => {
  await kubectl(["apply", "-f", "-"], record("early", "a.test", { address: "127.0.0.1", port: 9 }));
  await waitFor(async () => (await servedReason("early")) === "Served", { what: "early served" });
  await kubectl(["apply", "-f", "-"], record("late", "a.test", { address: "127.0.0.1", port: 9 }));
  await waitFor(async () => (await eventsAbout("late")).length === 1, { what: "the Conflict Event" });
  const [first] = await eventsAbout("late");
  assert.equal(first?.reason, "Conflict");
  assert.equal(first?.type, "Warning");
  assert.equal(first?.count, 1);
  assert.equal(first?.involvedObject.kind, "DNSRecord");
  assert.match(first?.message ?? "", /default\/early is older and claims host a\.test path \//);

  // Each change of the loser's spec that still loses counts into the same Event.
  for (const port of [10, 11]) {
    await kubectl(["apply", "-f", "-"], record("late", "a.test", { address: "127.0.0.1", port }));
    await waitFor(async () => (await eventsAbout("late"))[0]?.count === port - 8, { what: `count ${port - 8}` });
  }
  // A pass another record causes reports nothing new about `late`.
  await kubectl(["apply", "-f", "-"], record("other", "b.test", { address: "127.0.0.1", port: 9 }));
  await waitFor(async () => (await servedReason("other")) === "Served", { what: "other served" });
  const events = await eventsAbout("late");
  assert.equal(events.length, 1);
  assert.equal(events[0]?.count, 3);

  const table = await kubectl(["get", "events"]);
  assert.match(table, /Warning\s+Conflict\s+dnsrecord\/late\s+not served/);
  const described = await kubectl(["describe", "dnsrecord", "late"]);
  assert.match(described, /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/);
  assert.match(described, /Warning\s+Conflict\s+.*\(x3 over .*\)\s+kdns-gateway\s+not served: default\/early/);
  const ours = await c.kdns(["describe", "dnsrecord", "late", "--server", c.server]);
  assert.equal(ours.code, 0, ours.stderr);
  assert.match(ours.stdout, /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/);
  assert.match(ours.stdout, /Warning\s+Conflict\s+.*\(x3 over .*\)\s+kdns-gateway\s+not served: default\/early/);
});

test("a missing Service is a BackendsUnavailable Event; a record without problems has none", async () => {
  await kubectl(["apply", "-f", "-"], record("orphan", "c.test", { service: "nowhere", port: 80 }));
  await waitFor(async () => (await eventsAbout("orphan")).length === 1, { what: "the BackendsUnavailable Event" });
  const [e] = await eventsAbout("orphan");
  assert.equal(e?.reason, "BackendsUnavailable");
  assert.match(e?.message ?? "", /nowhere/);
  assert.deepEqual(await eventsAbout("early"), []);
  const ours = await c.kdns(["describe", "dnsrecord", "early", "--server", c.server]);
  assert.match(ours.stdout, /Events:\s+<none>/);
});
