/**
 * A forwarding loop through another resolver (kdns → a stub resolver → kdns, as with a
 * systemd-resolved or dnsmasq stub that forwards to kdns): `kdns up` and `kdns dns --workers 2`
 * refuse to start with one line naming the upstream, having sent the probe round only once.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { childEnv } from "../support/child.ts";
import { startForwardingStub } from "../support/forwarding-stub.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, NODE } from "../support/kdns-up.ts";

/** Runs kdns to its exit (killing it after 30 s); the event loop stays free for the stub. */
function runKdns(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [BIN, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env: childEnv({ KDNS_LOG_LEVEL: "error" }),
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(kill);
      resolve({ code, stderr });
    });
  });
}

const HOW = "(the probe query came back to this server|this server answered the probe query sent to it)";
const line = (port: number): RegExp =>
  new RegExp(
    `^error: dns: forwarding loop through upstream 127\\.0\\.0\\.1:${port}: ${HOW}; refusing to start: point --upstream at a resolver that does not forward to kdns\n$`,
  );

test("kdns up --upstream <a resolver that forwards back to kdns> exits 1 with one line", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-loop-e2e-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dnsPort = await freePort();
  const stub = await startForwardingStub({ target: { host: "127.0.0.1", port: dnsPort } });
  t.after(() => stub.close());
  const res = await runKdns([
    "up",
    "--store",
    "memory",
    "--data-dir",
    join(dir, "data"),
    "--api-listen",
    `127.0.0.1:${await freePort()}`,
    "--dns-listen",
    `127.0.0.1:${dnsPort}`,
    "--gateway",
    "none",
    "--upstream",
    `127.0.0.1:${stub.port}`,
  ]);
  assert.match(res.stderr, line(stub.port));
  assert.equal(res.code, 1);
  assert.equal(stub.forwarded(), 1, "the probe went round once");
});

test("kdns dns --workers 2: a probe that comes back to the other worker still counts", async (t) => {
  const dnsPort = await freePort();
  const stub = await startForwardingStub({ target: { host: "127.0.0.1", port: dnsPort } });
  t.after(() => stub.close());
  const res = await runKdns([
    "dns",
    "--server",
    `http://127.0.0.1:${await freePort()}`,
    "--listen",
    `127.0.0.1:${dnsPort}`,
    "--health-listen",
    `127.0.0.1:${await freePort()}`,
    "--workers",
    "2",
    "--upstream",
    `127.0.0.1:${stub.port}`,
  ]);
  assert.match(res.stderr, line(stub.port));
  assert.equal(res.code, 1);
  // The first worker to find the loop ends the command, perhaps before the other one probed.
  const n = stub.forwarded();
  assert.ok(n >= 1 && n <= 2, `each worker's probe goes round at most once; the stub forwarded ${n}`);
});
