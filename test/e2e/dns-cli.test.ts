/**
 * `kdns dns` as users run it: alone against a `kdns up` API, with --workers 2 (SO_REUSEPORT
 * worker processes, one restarted after it is killed), /readyz, and its one-line start errors.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { childEnv } from "../support/child.ts";
import { dig } from "../support/dig.ts";
import { type FakeUpstream, startFakeUpstream } from "../support/fake-upstream.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, NODE } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";
import { type KdnsUp, startKdnsDns, startKdnsUp } from "./kdns-dns-harness.ts";

let upstream: FakeUpstream;
let up: KdnsUp | undefined;
let upDnsPort = 0;

before(async () => {
  upstream = await startFakeUpstream();
  upstream.set("outside.test", "A", { type: "answer", answers: [{ type: "A", ttl: 30, data: "192.0.2.9" }] });
  upDnsPort = await freePort();
  up = await startKdnsUp(await freePort(), [
    "--dns-listen",
    `127.0.0.1:${upDnsPort}`,
    "--upstream",
    `127.0.0.1:${upstream.port}`,
    "--gateway",
    "none",
  ]);
});

after(async () => {
  await up?.stop();
  await upstream?.close();
});

function children(pid: number): number[] {
  const out = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).stdout;
  return out.split("\n").filter(Boolean).map(Number);
}

test("kdns dns --workers 2: answers from the API, readyz, survives a killed worker, exits cleanly", async () => {
  const port = await freePort();
  const health = await freePort();
  const { child, output, exited } = await startKdnsDns(up!.server, health, [
    "--listen",
    `127.0.0.1:${port}`,
    "--workers",
    "2",
    "--upstream",
    `127.0.0.1:${upstream.port}`,
  ]);
  try {
    assert.match(output(), /with 2 workers/);
    const created = await fetch(`${up!.server}/api/v1/namespaces/default/services`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ metadata: { name: "svc1" }, spec: { ports: [{ port: 80, protocol: "TCP" }] } }),
    });
    const ip = ((await created.json()) as { spec: { clusterIP: string } }).spec.clusterIP;
    // Every worker has its own informers; ask often enough that both sockets are hit.
    await waitFor(
      async () => {
        for (let i = 0; i < 8; i++)
          if ((await dig("127.0.0.1", port, ["svc1.default.svc.cluster.local"])).answer[0]?.data !== ip) return false;
        return true;
      },
      { what: "svc1 from every worker" },
    );
    assert.equal(
      (await dig("127.0.0.1", upDnsPort, ["svc1.default.svc.cluster.local"])).answer[0]?.data,
      ip,
      "kdns up's own DNS agrees",
    );
    assert.equal((await dig("127.0.0.1", port, ["outside.test"])).answer[0]?.data, "192.0.2.9");
    const workers = children(child.pid!);
    assert.equal(workers.length, 2);
    process.kill(workers[0]!, "SIGKILL");
    await waitFor(() => children(child.pid!).length === 2 && !children(child.pid!).includes(workers[0]!), {
      what: "worker replaced",
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${health}/readyz`)).ok, { what: "ready again" });
    assert.equal((await dig("127.0.0.1", port, ["svc1.default.svc.cluster.local"])).answer[0]?.data, ip);
    const left = children(child.pid!);
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    for (const pid of left) assert.throws(() => process.kill(pid, 0), "worker gone after exit");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

test("kdns dns start errors are one line: a taken port, a forwarding loop", async () => {
  const run = (args: string[]): { status: number | null; stderr: string } => {
    const r = spawnSync(NODE, [BIN, "dns", "--server", up!.server, ...args], {
      env: childEnv(),
      encoding: "utf8",
      timeout: 20_000,
    });
    return { status: r.status, stderr: r.stderr };
  };
  const health = String(await freePort());
  const taken = run([
    "--listen",
    `127.0.0.1:${upDnsPort}`,
    "--health-listen",
    `127.0.0.1:${health}`,
    "--upstream",
    "none",
  ]);
  assert.equal(taken.status, 1);
  assert.equal(taken.stderr, `error: dns: cannot listen on 127.0.0.1:${upDnsPort} (udp): address already in use\n`);
  const takenWorkers = run([
    "--listen",
    `127.0.0.1:${upDnsPort}`,
    "--health-listen",
    `127.0.0.1:${health}`,
    "--upstream",
    "none",
    "--workers",
    "2",
  ]);
  assert.equal(takenWorkers.status, 1);
  assert.equal(
    takenWorkers.stderr,
    `error: dns: cannot listen on 127.0.0.1:${upDnsPort} (udp): address already in use\n`,
  );
  const port = await freePort();
  const loop = run([
    "--listen",
    `127.0.0.1:${port}`,
    "--health-listen",
    `127.0.0.1:${health}`,
    "--upstream",
    `127.0.0.1:${port}`,
  ]);
  assert.equal(loop.status, 1);
  assert.equal(
    loop.stderr,
    `error: dns: upstream 127.0.0.1:${port} is this DNS server's own address (a forwarding loop); point it at another resolver\n`,
  );
});
