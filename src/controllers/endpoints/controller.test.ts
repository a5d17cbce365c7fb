import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeApi } from "../../../test/support/fake-api.ts";
import { waitFor } from "../../../test/support/wait-for.ts";
import type { ResourceInfo } from "../../api/resources.ts";
import type { Endpoints, KubeObject, Pod, Service } from "../../api/types.ts";
import { Informer } from "../../client/informer.ts";
import type { RestClient } from "../../client/rest-client.ts";
import { SelectorIndex } from "../../client/selector-index.ts";
import { WorkQueue } from "../../client/work-queue.ts";
import { startEndpointsController } from "./controller.ts";

const NAMESPACES = 20;
const SERVICES = 2_000;
const PODS_PER_SERVICE = 10;

function service(i: number): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: `ns-${i % NAMESPACES}`, name: `svc-${i}`, uid: `uid-${i}`, resourceVersion: "1" },
    // "tier: web" is on every pod of the namespace: the lookup must start from the rarer label.
    spec: { selector: { app: `app-${i}`, tier: "web" }, clusterIP: "10.0.0.1", ports: [{ port: 80 }] },
  };
}

function pod(i: number, j: number, ready: boolean, rv = "1"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      namespace: `ns-${i % NAMESPACES}`,
      name: `pod-${i}-${j}`,
      uid: `pod-uid-${i}-${j}`,
      resourceVersion: rv,
      labels: { app: `app-${i}`, tier: "web" },
    },
    spec: { containers: [{ name: "c" }] },
    status: {
      podIP: `10.${(i >> 8) & 255}.${i & 255}.${j + 1}`,
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}

/** The fake API with writes: each write is recorded and comes back as a watch event, as from a real server. */
function fakeClient(
  api: FakeApi,
  writes: { verb: string; resource: string; obj: KubeObject }[],
  echoFirst = false,
): RestClient {
  let rv = 1_000;
  const write = (verb: string, info: ResourceInfo, obj: KubeObject): KubeObject => {
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
    writes.push({ verb, resource: info.resource, obj: stored });
    api.push(info.resource, verb === "create" ? "ADDED" : "MODIFIED", stored);
    return stored;
  };
  // In one process the watch event of a write often arrives before the write's response.
  const settle = async (stored: KubeObject): Promise<KubeObject> => {
    if (echoFirst) await new Promise((r) => setImmediate(r));
    return stored;
  };
  return {
    ...api.source(),
    create: async (info: ResourceInfo, _ns: string, obj: KubeObject) => settle(write("create", info, obj)),
    update: async (info: ResourceInfo, obj: KubeObject) => settle(write("update", info, obj)),
    delete: async () => {
      throw new Error("the controller deleted something in a fixture where nothing goes away");
    },
  } as unknown as RestClient;
}

test("a pod event on 2,000 Services and 20,000 pods lists no whole kind: lookups go through indexes", async (t) => {
  const lists = t.mock.method(Informer.prototype, "list");
  const podServices = t.mock.method(SelectorIndex.prototype, "matching");
  const api = new FakeApi();
  api.setList(
    "services",
    Array.from({ length: SERVICES }, (_, i) => service(i)),
  );
  const pods: Pod[] = [];
  for (let i = 0; i < SERVICES; i++) for (let j = 0; j < PODS_PER_SERVICE; j++) pods.push(pod(i, j, true));
  api.setList("pods", pods);
  const writes: { verb: string; resource: string; obj: KubeObject }[] = [];
  const abort = new AbortController();
  const controller = startEndpointsController({ client: fakeClient(api, writes) }, abort.signal);
  t.after(async () => {
    abort.abort();
    await controller.stopped();
  });

  await waitFor(() => writes.filter((w) => w.verb === "create").length === 2 * SERVICES, {
    timeoutMs: 60_000,
    what: "an Endpoints and an EndpointSlice per Service",
  });
  const first = writes.find((w) => w.resource === "endpoints" && w.obj.metadata.name === "svc-7")?.obj as Endpoints;
  assert.equal(first.subsets?.[0]?.addresses?.length, PODS_PER_SERVICE, "each Service selects its own 10 pods");

  const before = writes.length;
  const selectors = podServices.mock.calls[0]?.this as SelectorIndex;
  const checksBefore = selectors.checked;
  api.push("pods", "MODIFIED", pod(7, 3, false, "2"));
  const updated = await waitFor(
    () =>
      writes
        .slice(before)
        .find((w) => w.verb === "update" && w.resource === "endpoints" && w.obj.metadata.name === "svc-7")?.obj as
        | Endpoints
        | undefined,
    { what: "the Endpoints of svc-7 updated after its pod turned not ready" },
  );
  assert.equal(updated.subsets?.[0]?.notReadyAddresses?.[0]?.targetRef?.name, "pod-7-3");
  await waitFor(() => writes.slice(before).some((w) => w.resource === "endpointslices" && w.verb === "update"), {
    what: "the EndpointSlice of svc-7 updated",
  });
  assert.deepEqual(
    [...new Set(writes.slice(before).map((w) => w.obj.metadata.name))],
    ["svc-7", "svc-7-ipv4"],
    "only the Service whose pod changed was written",
  );
  assert.equal(lists.mock.callCount(), 0, "no informer listed a whole kind during sync or the pod event");
  assert.equal(
    selectors.checked - checksBefore,
    1,
    `the pod's Services were found with one selector check, not one per Service of its namespace (${SERVICES / NAMESPACES})`,
  );
});

for (const echoFirst of [false, true])
  test(`the controller's own writes coming back${echoFirst ? " before the response" : ""} do not sync the Service again; a foreign change does`, async (t) => {
    const api = new FakeApi();
    api.setList(
      "services",
      Array.from({ length: 20 }, (_, i) => service(i)),
    );
    const pods: Pod[] = [];
    for (let i = 0; i < 20; i++) for (let j = 0; j < 3; j++) pods.push(pod(i, j, true));
    api.setList("pods", pods);
    const writes: { verb: string; resource: string; obj: KubeObject }[] = [];
    const adds = t.mock.method(WorkQueue.prototype, "add");
    const abort = new AbortController();
    const controller = startEndpointsController({ client: fakeClient(api, writes, echoFirst) }, abort.signal);
    t.after(async () => {
      abort.abort();
      await controller.stopped();
    });
    await waitFor(() => writes.filter((w) => w.verb === "create").length === 40, { what: "the first writes" });
    const written = (resource: string, name: string, from: number): KubeObject | undefined =>
      writes.slice(from).find((w) => w.verb === "update" && w.resource === resource && w.obj.metadata.name === name)
        ?.obj;

    const before = writes.length;
    adds.mock.resetCalls();
    api.push("pods", "MODIFIED", pod(7, 1, false, "2"));
    await waitFor(() => written("endpoints", "svc-7", before) && written("endpointslices", "svc-7-ipv4", before), {
      what: "svc-7's Endpoints and slice written",
    });
    // Someone else edits svc-8's objects: pushed after the echoes of svc-7's writes on the same
    // streams, so once the controller has put svc-8's objects back, it has heard those echoes.
    const sentinel = writes.length;
    const edited = (resource: string, name: string): KubeObject => {
      const obj = writes.findLast((w) => w.resource === resource && w.obj.metadata.name === name)?.obj as KubeObject;
      return {
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: "5000" },
        subsets: [],
        endpoints: [],
      } as KubeObject;
    };
    api.push("endpoints", "MODIFIED", edited("endpoints", "svc-8"));
    api.push("endpointslices", "MODIFIED", edited("endpointslices", "svc-8-ipv4"));
    await waitFor(() => written("endpoints", "svc-8", sentinel) && written("endpointslices", "svc-8-ipv4", sentinel), {
      what: "svc-8's objects put back after a foreign edit",
    });
    const keys = adds.mock.calls.map((c) => c.arguments[0]);
    assert.equal(keys.filter((k) => k === "ns-7/svc-7").length, 1, "svc-7 queued once: for its pod, not its writes");
    assert.equal(keys.filter((k) => k === "ns-8/svc-8").length, 2, "svc-8 queued for each foreign edit");
  });
