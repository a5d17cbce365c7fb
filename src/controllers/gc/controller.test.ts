import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeApi } from "../../../test/support/fake-api.ts";
import { waitFor } from "../../../test/support/wait-for.ts";
import type { KubeObject } from "../../api/types.ts";
import type { RestClient } from "../../client/rest-client.ts";
import { SharedInformers } from "../../client/shared-informers.ts";
import { WorkQueue } from "../../client/work-queue.ts";
import { ObjectInformers } from "../object-informers.ts";
import { startGarbageCollector } from "./controller.ts";

function configMap(name: string, owner?: string): KubeObject {
  const metadata = { name, namespace: "ns", uid: `uid-${name}`, resourceVersion: "1" };
  const ownerReferences = owner ? [{ apiVersion: "v1", kind: "ConfigMap", name: owner, uid: `uid-${owner}` }] : [];
  return { apiVersion: "v1", kind: "ConfigMap", metadata: owner ? { ...metadata, ownerReferences } : metadata };
}

test("1,000 objects without owners cost the collector no sync; a dependent queues itself and its owner", async (t) => {
  const api = new FakeApi();
  const client = {
    ...api.source(),
    get: async () => {
      throw new Error("every owner in this fixture is in the cache");
    },
  } as unknown as RestClient;
  const adds = t.mock.method(WorkQueue.prototype, "add");
  const abort = new AbortController();
  const objects = new ObjectInformers(new SharedInformers(client));
  const gc = startGarbageCollector({ client, objects }, abort.signal);
  objects.start(abort.signal);
  t.after(async () => {
    abort.abort();
    await gc.stopped();
  });
  await waitFor(() => gc.synced(), { what: "the object informers to sync" });

  for (let i = 0; i < 1_000; i++) api.push("configmaps", "ADDED", configMap(`plain-${i}`));
  await waitFor(() => objects.get("uid-plain-999") !== undefined, { what: "the 1,000 objects cached" });
  assert.equal(adds.mock.callCount(), 0, "an object with no owners, not being deleted, is not queued");

  api.push("configmaps", "ADDED", configMap("dependent", "plain-0"));
  await waitFor(() => objects.get("uid-dependent") !== undefined, { what: "the dependent cached" });
  assert.deepEqual(
    adds.mock.calls.map((c) => c.arguments[0]),
    ["uid-dependent", "uid-plain-0"],
  );
});
