import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeApi } from "../../test/support/fake-api.ts";
import { waitFor } from "../../test/support/wait-for.ts";
import { RESOURCES, type ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { Informer } from "../client/informer.ts";
import { ClientError, type RestClient } from "../client/rest-client.ts";
import { SharedInformers } from "../client/shared-informers.ts";
import { startGarbageCollector } from "./gc/controller.ts";
import { startNamespaceController } from "./namespace/controller.ts";
import { ObjectInformers, toNode } from "./object-informers.ts";

const NAMESPACES = 20;
const OWNERS = 2_000;
const DEPENDENTS_PER_OWNER = 10;

function namespace(i: number, deleting = false): KubeObject {
  const metadata = { name: `ns-${i}`, uid: `ns-uid-${i}`, resourceVersion: deleting ? "2" : "1" };
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: deleting ? { ...metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } : metadata,
    spec: { finalizers: ["kubernetes"] },
  };
}

function configMap(name: string, ns: string, uid: string, owner?: string): KubeObject {
  const metadata = { name, namespace: ns, uid, resourceVersion: "1" };
  const ownerReferences = owner ? [{ apiVersion: "v1", kind: "ConfigMap", name: owner, uid: `uid-${owner}` }] : [];
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: owner ? { ...metadata, ownerReferences } : metadata,
  };
}

/** The cluster behind the fake: objects by `resource/namespace/name`; deletes come back as watch events. */
function fakeClient(
  api: FakeApi,
  live: Map<string, KubeObject>,
  deletes: string[],
  finalized: string[],
  liveLists: (number | undefined)[],
): RestClient {
  const key = (info: ResourceInfo, ns: string | undefined, name: string): string =>
    `${info.resource}/${ns ?? ""}/${name}`;
  const notFound = (name: string) =>
    new ClientError({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `"${name}" not found`,
      code: 404,
    });
  const source = api.source();
  return {
    ...source,
    list: async (info: ResourceInfo, ns: string | undefined, query?: { limit?: number }) => {
      if (ns === undefined) return source.list(info, undefined, query ?? {});
      // The namespace controller's confirmation that a namespace is empty: a live list of one namespace.
      liveLists.push(query?.limit);
      const items = [...live.values()].filter(
        (o) => o.kind === info.kind && o.metadata.namespace === ns && !o.metadata.deletionTimestamp,
      );
      return { apiVersion: "v1", kind: `${info.kind}List`, metadata: { resourceVersion: "9" }, items };
    },
    get: async (info: ResourceInfo, ns: string | undefined, name: string) => {
      const obj = live.get(key(info, ns, name));
      if (!obj) throw notFound(name);
      return obj;
    },
    delete: async (info: ResourceInfo, ns: string | undefined, name: string) => {
      const k = key(info, ns, name);
      const obj = live.get(k);
      if (!obj) throw notFound(name);
      live.delete(k);
      deletes.push(k);
      api.push(info.resource, "DELETED", obj);
      return obj;
    },
    update: async (info: ResourceInfo, obj: KubeObject, subresource?: string) => {
      // The namespace's conditions go through /status; its finalizers only through /finalize.
      if (subresource === "finalize") finalized.push(`${info.resource}/${obj.metadata.name}`);
      else assert.equal(subresource, "status");
      return obj;
    },
    patch: async () => {
      throw new Error("nothing in this fixture needs a patch");
    },
  } as unknown as RestClient;
}

test("a delete on 22,000 objects in 20 namespaces lists no whole kind: the collector and the namespace controller read indexes", async (t) => {
  const lists = t.mock.method(Informer.prototype, "list");
  const api = new FakeApi();
  const live = new Map<string, KubeObject>();
  api.setList(
    "namespaces",
    Array.from({ length: NAMESPACES }, (_, i) => namespace(i)),
  );
  const configMaps: KubeObject[] = [];
  for (let i = 0; i < OWNERS; i++) {
    const ns = `ns-${i % NAMESPACES}`;
    configMaps.push(configMap(`owner-${i}`, ns, `uid-owner-${i}`));
    for (let j = 0; j < DEPENDENTS_PER_OWNER; j++)
      configMaps.push(configMap(`dep-${i}-${j}`, ns, `uid-dep-${i}-${j}`, `owner-${i}`));
  }
  api.setList("configmaps", configMaps);
  for (const cm of configMaps) live.set(`configmaps/${cm.metadata.namespace}/${cm.metadata.name}`, cm);

  const deletes: string[] = [];
  const finalized: string[] = [];
  const liveLists: (number | undefined)[] = [];
  const client = fakeClient(api, live, deletes, finalized, liveLists);
  const abort = new AbortController();
  const objects = new ObjectInformers(new SharedInformers(client));
  const gc = startGarbageCollector({ client, objects }, abort.signal);
  const nsc = startNamespaceController({ client, objects, deletionDelayMs: 0 }, abort.signal);
  objects.start(abort.signal);
  t.after(async () => {
    abort.abort();
    await Promise.all([gc.stopped(), nsc.stopped()]);
  });
  await waitFor(() => gc.synced() && nsc.synced(), { timeoutMs: 60_000, what: "the object informers to sync" });

  // The owner goes: the collector deletes its ten dependents, found through the owner-uid index.
  const owner = live.get("configmaps/ns-7/owner-7") as KubeObject;
  live.delete("configmaps/ns-7/owner-7");
  api.push("configmaps", "DELETED", owner);
  await waitFor(() => deletes.length === DEPENDENTS_PER_OWNER, { what: "the dependents of owner-7 deleted" });
  assert.deepEqual(
    deletes.sort(),
    Array.from({ length: DEPENDENTS_PER_OWNER }, (_, j) => `configmaps/ns-7/dep-7-${j}`).sort(),
  );

  // A namespace turns Terminating: its content (through the namespace index) is deleted, then finalized.
  deletes.length = 0;
  api.push("namespaces", "MODIFIED", namespace(3, true));
  const inNs3 = configMaps.filter((c) => c.metadata.namespace === "ns-3").length;
  await waitFor(() => finalized.includes("namespaces/ns-3"), {
    timeoutMs: 30_000,
    what: "ns-3 emptied and finalized",
  });
  assert.equal(deletes.length, inNs3, "every object of ns-3, and only those, deleted");
  assert.ok(deletes.every((k) => k.startsWith("configmaps/ns-3/")));
  assert.equal(lists.mock.callCount(), 0, "no informer listed a whole kind during sync or the events");
  assert.ok(liveLists.length > 0, "emptiness was confirmed against the API before finalizing");
  assert.ok(
    liveLists.every((limit) => limit === 1),
    "the API was asked only whether something is left, never for a namespace's content",
  );
});

test("nodes of objects without owners or finalizers share empty lists instead of holding their own", () => {
  const info = RESOURCES[0]!;
  const a = toNode(info, { metadata: { name: "a", uid: "1" } } as KubeObject);
  const b = toNode(info, { metadata: { name: "b", uid: "2", finalizers: [] } } as unknown as KubeObject);
  assert.equal(a.ownerReferences, b.ownerReferences);
  assert.equal(a.finalizers, b.finalizers);
  assert.deepEqual(toNode(info, { metadata: { name: "c", finalizers: ["f"] } } as unknown as KubeObject).finalizers, [
    "f",
  ]);
});
