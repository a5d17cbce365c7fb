/**
 * `@kubernetes/client-node` and the object lifecycle against `kdns up --store memory`: an
 * informer keeps working through a restart that empties the store (its resourceVersion is then
 * ahead of the store's: the watch ends with 410 and the informer relists, dropping what is gone),
 * and deletes with DeleteOptions (foreground propagation, a pod's grace period).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ADD, CoreV1Api, DELETE, ERROR, KubeConfig, makeInformer, type V1ConfigMap } from "@kubernetes/client-node";
import { freePort } from "../support/free-port.ts";
import { type KdnsUp, startKdnsUp } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";

let dir = "";
let up: KdnsUp | undefined;
let ports: [number, number];

async function startUp(): Promise<void> {
  up = await startKdnsUp({
    args: [
      "--store",
      "memory",
      "--api-listen",
      `127.0.0.1:${ports[0]}`,
      "--dns-listen",
      `127.0.0.1:${ports[1]}`,
      "--gateway",
      "none",
      "--upstream",
      "none",
    ],
    dataDir: join(dir, "data"),
    readyLine: /controllers running/,
  });
}

function client(): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(join(dir, "data", "kubeconfig"));
  return kc.makeApiClient(CoreV1Api);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdns-client-node-lifecycle-"));
  ports = [await freePort(), await freePort()];
  await startUp();
});
after(async () => {
  await up?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("an informer relists after a restart on an emptied store instead of waiting for a revision that never comes", async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(join(dir, "data", "kubeconfig"));
  const core = kc.makeApiClient(CoreV1Api);
  const cm = (name: string): V1ConfigMap => ({ metadata: { name }, data: { a: "b" } });
  // Enough writes that the old revision is well ahead of the new store's.
  for (let i = 0; i < 20; i++) await core.createNamespacedConfigMap({ namespace: "default", body: cm(`before-${i}`) });
  const seen: string[] = [];
  const informer = makeInformer(kc, "/api/v1/namespaces/default/configmaps", () =>
    core.listNamespacedConfigMap({ namespace: "default" }),
  );
  let stopped = false;
  informer.on(ADD, (c) => seen.push(`add ${c.metadata?.name}`));
  informer.on(DELETE, (c) => seen.push(`delete ${c.metadata?.name}`));
  informer.on(ERROR, () => {
    if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 200);
  });
  try {
    await informer.start();
    await waitFor(() => seen.includes("add before-19"), { what: `initial adds, saw ${seen.join("; ")}` });
    await up?.stop();
    await startUp();
    await client().createNamespacedConfigMap({ namespace: "default", body: cm("after") });
    await waitFor(() => seen.includes("add after") && seen.includes("delete before-0"), {
      timeoutMs: 40_000,
      what: `the informer to relist after the restart, saw ${seen.slice(-5).join("; ")}`,
    });
    assert.deepEqual(
      informer.list().map((c) => c.metadata?.name),
      ["after"],
    );
  } finally {
    stopped = true;
    await informer.stop();
  }
});

test("DeleteOptions from client-node: foreground propagation and a pod's grace period", async () => {
  const core = client();
  await core.createNamespacedService({
    namespace: "default",
    body: { metadata: { name: "fg" }, spec: { selector: { app: "fg" }, ports: [{ port: 80 }] } },
  });
  await waitFor(
    async () =>
      (await core.readNamespacedEndpoints({ namespace: "default", name: "fg" })).metadata?.ownerReferences?.length ===
      1,
    {
      what: "the endpoints controller to write owned Endpoints",
    },
  );
  const marked = await core.deleteNamespacedService({
    namespace: "default",
    name: "fg",
    propagationPolicy: "Foreground",
  });
  assert.ok((marked as { metadata?: { finalizers?: string[] } }).metadata?.finalizers?.includes("foregroundDeletion"));
  await waitFor(
    async () => {
      try {
        await core.readNamespacedService({ namespace: "default", name: "fg" });
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    },
    { timeoutMs: 15_000, what: "the Service to go once its dependents are gone" },
  );
  await assert.rejects(
    core.readNamespacedEndpoints({ namespace: "default", name: "fg" }),
    (err: { code?: number }) => err.code === 404,
  );

  await core.createNamespacedPod({
    namespace: "default",
    body: { metadata: { name: "p" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "i" }] } },
  });
  await core.deleteNamespacedPod({ namespace: "default", name: "p", gracePeriodSeconds: 60 });
  const terminating = await core.readNamespacedPod({ namespace: "default", name: "p" });
  assert.equal(terminating.metadata?.deletionGracePeriodSeconds, 60);
  await core.deleteNamespacedPod({ namespace: "default", name: "p", gracePeriodSeconds: 0 });
  await assert.rejects(
    core.readNamespacedPod({ namespace: "default", name: "p" }),
    (err: { code?: number }) => err.code === 404,
  );
});
