/**
 * Events the DNS server records, on `kube-system/kube-dns` (the Service clusters give their DNS,
 * which `kdns up` makes; the Events carry its uid, so `kubectl describe svc kube-dns` lists them):
 * an upstream that stops answering (`UpstreamDown`) and answers again (`UpstreamUp`), under
 * `kdns up`; and a forwarding loop found by `kdns dns` (alone, and with worker processes, whose
 * Events the primary writes) as it refuses to start (`ForwardingLoop`, written before it exits).
 * Read with the real kubectl.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { dig } from "../support/dig.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { startForwardingStub } from "../support/forwarding-stub.ts";
import { freePort } from "../support/free-port.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Cluster, requireKubectl, startCluster } from "./kubectl-harness.ts";

let c: Cluster;
let upstream: FakeUpstream;
let dnsPort = 0;

before(async () => {
  requireKubectl();
  upstream = await startFakeUpstream();
  upstream.set("dead.test", "A", { type: "timeout" });
  upstream.set("alive.test", "A", { type: "answer", answers: [{ type: "A", ttl: 30, data: "192.0.2.7" }] });
  dnsPort = await freePort();
  c = await startCluster([
    "--store",
    "memory",
    "--dns-listen",
    `127.0.0.1:${dnsPort}`,
    "--upstream",
    `127.0.0.1:${upstream.port}`,
  ]);
});

after(async () => {
  await c?.stop();
  await upstream?.close();
});

interface Ev {
  reason: string;
  type: string;
  count: number;
  message: string;
  involvedObject: { kind: string; namespace: string; name: string; uid?: string };
  source: { component: string };
}

async function dnsEvents(): Promise<Ev[]> {
  const r = await c.kubectl([
    "get",
    "events",
    "-n",
    "kube-system",
    "--field-selector",
    "involvedObject.name=kube-dns",
    "-o",
    "json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { items: Ev[] }).items;
}

const byReason = (events: Ev[], reason: string): Ev | undefined => events.find((e) => e.reason === reason);

test("an upstream that stops answering is UpstreamDown, and UpstreamUp when it answers again", async () => {
  await dig("127.0.0.1", dnsPort, ["dead.test", "A", "+time=6"]);
  await waitFor(async () => byReason(await dnsEvents(), "UpstreamDown") !== undefined, { what: "UpstreamDown" });
  const down = byReason(await dnsEvents(), "UpstreamDown");
  assert.equal(down?.type, "Warning");
  assert.equal(down?.source.component, "kdns-dns");
  assert.deepEqual(
    { kind: down?.involvedObject.kind, namespace: down?.involvedObject.namespace, name: down?.involvedObject.name },
    { kind: "Service", namespace: "kube-system", name: "kube-dns" },
  );
  assert.match(down?.message ?? "", new RegExp(`upstream 127\\.0\\.0\\.1:${upstream.port} did not answer`));
  // kdns up made the Service the Events are about, and they carry its uid: kubectl describe lists them.
  const svc = await c.kubectl(["get", "svc", "kube-dns", "-n", "kube-system", "-o", "json"]);
  assert.equal(svc.code, 0, svc.stderr);
  const service = JSON.parse(svc.stdout) as { metadata: { uid: string }; spec: { clusterIP: string } };
  assert.equal(service.spec.clusterIP, "10.96.0.10", "kubeadm's address: the tenth of the service range");
  assert.equal(down?.involvedObject.uid, service.metadata.uid);
  const described = await c.kubectl(["describe", "svc", "kube-dns", "-n", "kube-system"]);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /^Events:/m);
  assert.match(described.stdout, /Warning\s+UpstreamDown\s+.*kdns-dns\s+upstream 127\.0\.0\.1:\d+ did not answer/);
  const answer = await dig("127.0.0.1", dnsPort, ["alive.test", "A"]);
  assert.equal(answer.answer[0]?.data, "192.0.2.7");
  await waitFor(async () => byReason(await dnsEvents(), "UpstreamUp")?.type === "Normal", { what: "UpstreamUp" });
  // Going down again counts into the same Event.
  await dig("127.0.0.1", dnsPort, ["dead.test", "A", "+time=6"]);
  await waitFor(async () => byReason(await dnsEvents(), "UpstreamDown")?.count === 2, { what: "UpstreamDown x2" });
  assert.equal((await dnsEvents()).filter((e) => e.reason === "UpstreamDown").length, 1);
});

for (const workers of ["1", "2"]) {
  test(`kdns dns --workers ${workers} refusing to start over a forwarding loop leaves a ForwardingLoop Event`, async () => {
    const port = await freePort();
    const stub = await startForwardingStub({ target: { host: "127.0.0.1", port } });
    try {
      const r = await c.kdns([
        "dns",
        "--server",
        c.server,
        "--listen",
        `127.0.0.1:${port}`,
        "--health-listen",
        `127.0.0.1:${await freePort()}`,
        "--upstream",
        `127.0.0.1:${stub.port}`,
        "--workers",
        workers,
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /forwarding loop/);
    } finally {
      await stub.close();
    }
    // With workers, the worker hands the Event to the primary, whose recorder writes it as it exits.
    const loops = (await dnsEvents()).filter(
      (e) => e.reason === "ForwardingLoop" && e.message.includes(`upstream 127.0.0.1:${stub.port}:`),
    );
    assert.equal(loops.length, 1);
    assert.equal(loops[0]?.type, "Warning");
    assert.match(loops[0]?.message ?? "", /; kdns does not forward to it$/);
  });
}
