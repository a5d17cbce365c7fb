/**
 * The official JavaScript client (`@kubernetes/client-node`) against `kdns up` (embedded store,
 * bearer token): typed create/patch/delete and an informer (list + watch) that sees adds, updates
 * and deletes, and recovers across an API server restart on the same port and data dir.
 */

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  ADD,
  CoreV1Api,
  DELETE,
  ERROR,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  UPDATE,
  type V1Service,
} from "@kubernetes/client-node";
import { freePort } from "../support/free-port.ts";
import { type KdnsUp, startKdnsUp } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";

let dir = "";
let up: KdnsUp | undefined;

async function startUp(apiPort: number, dnsPort: number): Promise<void> {
  up = await startKdnsUp({
    args: [
      "--store",
      "embedded",
      "--token-file",
      join(dir, "tokens"),
      "--api-listen",
      `127.0.0.1:${apiPort}`,
      "--dns-listen",
      `127.0.0.1:${dnsPort}`,
      "--gateway",
      "none",
      "--upstream",
      "none",
    ],
    dataDir: join(dir, "data"),
    readyLine: /controllers running/,
  });
}

async function stopUp(): Promise<void> {
  await up?.stop();
}

after(async () => {
  await stopUp();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("client-node: typed calls and an informer that survives an API server restart", async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-client-node-"));
  await writeFile(join(dir, "tokens"), "client-node-token,admin,1\n");
  const [apiPort, dnsPort] = [await freePort(), await freePort()];
  await startUp(apiPort, dnsPort);

  const kc = new KubeConfig();
  kc.loadFromFile(join(dir, "data", "kubeconfig"));
  assert.equal(kc.getCurrentUser()?.token, "client-node-token");
  const core = kc.makeApiClient(CoreV1Api);
  const svc = (name: string): V1Service => ({
    metadata: { name, labels: { app: name } },
    spec: { ports: [{ port: 80 }] },
  });
  const created = await core.createNamespacedService({ namespace: "default", body: svc("one") });
  assert.match(created.spec?.clusterIP ?? "", /^10\./);

  const seen: string[] = [];
  const informer = makeInformer(kc, "/api/v1/namespaces/default/services", () =>
    core.listNamespacedService({ namespace: "default" }),
  );
  let stopped = false;
  informer.on(ADD, (s) => seen.push(`add ${s.metadata?.name}`));
  informer.on(UPDATE, (s) => seen.push(`update ${s.metadata?.name} ${s.metadata?.labels?.["v"] ?? ""}`));
  informer.on(DELETE, (s) => seen.push(`delete ${s.metadata?.name}`));
  // client-node's documented recovery: an informer stops on a watch error and is started again.
  informer.on(ERROR, () => {
    if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 200);
  });
  try {
    await informer.start();
    await waitFor(() => seen.includes("add one"), { what: `initial add, saw ${seen.join("; ")}` });
    await core.createNamespacedService({ namespace: "default", body: svc("two") });
    await core.patchNamespacedService(
      { namespace: "default", name: "two", body: { metadata: { labels: { v: "2" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedService({ namespace: "default", name: "one" });
    await waitFor(() => seen.includes("add two") && seen.includes("update two 2") && seen.includes("delete one"), {
      what: `events, saw ${seen.join("; ")}`,
    });
    await assert.rejects(
      core.readNamespacedService({ namespace: "default", name: "one" }),
      (err: { code?: number }) => err.code === 404,
    );

    await stopUp();
    await startUp(apiPort, dnsPort);
    await core.patchNamespacedService(
      { namespace: "default", name: "two", body: { metadata: { labels: { v: "3" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await core.createNamespacedService({ namespace: "default", body: svc("three") });
    await waitFor(() => seen.includes("update two 3") && seen.includes("add three"), {
      timeoutMs: 20_000,
      what: `events after restart, saw ${seen.join("; ")}`,
    });
    assert.deepEqual(
      informer
        .list()
        .map((s) => s.metadata?.name)
        .sort(),
      ["kubernetes", "three", "two"],
    );
  } finally {
    stopped = true;
    await informer.stop();
  }
});
