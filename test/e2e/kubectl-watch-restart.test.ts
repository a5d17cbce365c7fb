/**
 * kubectl watches across a restart of `kdns up --store memory` on the same port, the case where
 * the store starts over: `get -w` ends cleanly when kdns stops (never hangs), a watch resuming
 * from a resourceVersion the new store has not reached gets 410 at once, and a new `get -w` works.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { freePort } from "../support/free-port.ts";
import { type KdnsUp, startKdnsUp } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";
import { requireKubectl } from "./kubectl-harness.ts";

let dir = "";
let up: KdnsUp | undefined;
let ports: [number, number];

async function startUp(): Promise<void> {
  const listen = ["--api-listen", `127.0.0.1:${ports[0]}`, "--dns-listen", `127.0.0.1:${ports[1]}`];
  up = await startKdnsUp({
    args: ["--store", "memory", ...listen, "--gateway", "none", "--upstream", "none"],
    dataDir: join(dir, "data"),
    readyLine: /controllers running/,
  });
}

function kubectl(args: string[], stdin = "") {
  const env = { PATH: process.env.PATH ?? "", HOME: dir, KUBECONFIG: join(dir, "data", "kubeconfig") };
  const child = spawn("kubectl", args, { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) =>
    child.on("close", (code) => r({ code, stdout, stderr })),
  );
  return { output: () => stdout, exited };
}

const svc = (name: string): string =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {ports: [{port: 80}]}\n`;

before(async () => {
  requireKubectl();
  dir = await mkdtemp(join(tmpdir(), "kdns-watch-restart-"));
  ports = [await freePort(), await freePort()];
  await startUp();
});
after(async () => {
  await up?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("get -w ends when kdns stops; after the restart an old resourceVersion is 410 and a new watch sees changes", async () => {
  for (const name of ["a", "b", "c"]) assert.equal((await kubectl(["apply", "-f", "-"], svc(name)).exited).code, 0);
  // Enough writes that the revision is well ahead of what the restarted (empty) store will reach.
  const maps = Array.from({ length: 30 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m${i}}\n`);
  assert.equal((await kubectl(["apply", "-f", "-"], maps.join("---\n")).exited).code, 0);
  const listed = await kubectl(["get", "--raw", "/api/v1/namespaces/default/services"]).exited;
  const oldRv = Number(JSON.parse(listed.stdout).metadata.resourceVersion);
  const watching = kubectl(["get", "svc", "-w"]);
  await waitFor(() => /^c\s/m.test(watching.output()), { what: `get -w to list, it printed ${watching.output()}` });
  await up?.stop();
  const ended = await watching.exited;
  assert.equal(ended.code, 0, `get -w ends cleanly when the server goes: ${ended.stderr}`);

  await startUp();
  const resumed = await kubectl([
    "get",
    "--raw",
    `/api/v1/namespaces/default/services?watch=1&resourceVersion=${oldRv}`,
  ]).exited;
  const event = JSON.parse(resumed.stdout.trim().split("\n")[0] ?? "{}");
  assert.equal(event.type, "ERROR", resumed.stdout + resumed.stderr);
  assert.equal(event.object.code, 410);

  const again = kubectl(["get", "svc", "-w"]);
  await waitFor(() => /^kubernetes\s/m.test(again.output()), {
    what: `a new get -w to list, it printed ${again.output()}`,
  });
  assert.equal((await kubectl(["apply", "-f", "-"], svc("after")).exited).code, 0);
  await waitFor(() => /^after\s/m.test(again.output()), {
    what: `the new watch to see a new Service: ${again.output()}`,
  });
  await up?.stop();
  assert.equal((await again.exited).code, 0);
});
