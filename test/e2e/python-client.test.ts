/**
 * Debian's Python client (python3-kubernetes 22.6, run by Debian's /usr/bin/python3) against
 * `kdns up` with a token, from the kubeconfig `kdns up` writes (https, its CA, the token): lists,
 * creates, patches and deletes Services and DNSRecords, and follows watches across changes. The
 * client sends `?watch=True`, which kdns once served as a plain list.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { freePort } from "../support/free-port.ts";
import { type KdnsUp, startKdnsUp } from "../support/kdns-up.ts";

/** Debian's Python, where apt installs python3-kubernetes (a python3 earlier on PATH may not see it). */
const PYTHON = "/usr/bin/python3";
const SCRIPT = join(import.meta.dirname, "python-client.py");

let dir = "";
let up: KdnsUp | undefined;

before(async () => {
  const probe = spawnSync(PYTHON, ["-c", "import kubernetes; print(kubernetes.__version__)"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `Debian's Python client is not installed: install it with: apt-get install -y python3-kubernetes (bash scripts/setup.sh --test-tools does)`,
    );
  }
  dir = await mkdtemp(join(tmpdir(), "kdns-python-client-"));
  await writeFile(join(dir, "tokens"), "python-token,admin,1\n");
  up = await startKdnsUp({
    args: [
      "--store",
      "memory",
      "--token-file",
      join(dir, "tokens"),
      "--api-listen",
      `127.0.0.1:${await freePort()}`,
      "--dns-listen",
      `127.0.0.1:${await freePort()}`,
      "--gateway",
      "none",
      "--upstream",
      "none",
    ],
    dataDir: join(dir, "data"),
    readyLine: /kubeconfig written to/,
  });
});

after(async () => {
  await up?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the script to its end (60 s cap); resolves to its steps by name. */
function runScript(kubeconfig: string): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, kubeconfig], {
      env: { PATH: process.env.PATH ?? "", HOME: dir },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`python-client.py exited ${code}:\n${stderr}\n${stdout}`));
      const steps: Record<string, any> = {};
      for (const line of stdout.split("\n").filter((l) => l.startsWith("{"))) {
        const step = JSON.parse(line) as { step: string };
        steps[step.step] = step;
      }
      resolve(steps);
    });
  });
}

test("the Python client: Services and DNSRecords listed, created, patched, deleted and watched", async () => {
  assert.match(up!.server, /^https:/);
  const steps = await runScript(join(dir, "data", "kubeconfig"));
  assert.equal(steps["kubernetes"]?.cluster_ip, "10.96.0.1");
  assert.match(steps["service created"]?.cluster_ip ?? "", /^10\./);
  assert.deepEqual(steps["services listed"]?.names, ["py-web"]);
  assert.deepEqual(steps["service patched"]?.ports, [
    ["http", 80],
    ["https", 443],
  ]);
  assert.equal(steps["record created"]?.host, "py.example.test");
  assert.deepEqual(steps["records listed"]?.names, ["py-site"]);
  assert.deepEqual([steps["record patched"]?.host, steps["record patched"]?.paths], ["py2.example.test", 1]);
  assert.deepEqual(steps["services watched"]?.events, [
    ["MODIFIED", "py-web"],
    ["ADDED", "py-late"],
    ["DELETED", "py-late"],
    ["DELETED", "py-web"],
  ]);
  assert.deepEqual(steps["records watched"]?.events, [
    ["MODIFIED", "py-site"],
    ["DELETED", "py-site"],
  ]);
  assert.match(steps["done"]?.version ?? "", /^OpenAPI-Generator\/22\./);
});
