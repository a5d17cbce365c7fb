/**
 * End-to-end: every API server keeps `default/kubernetes` (Service, Endpoints, EndpointSlice)
 * pointing at itself; servers sharing one store share it through leases, a cleanly stopped one
 * leaves at once, one that stops renewing leaves when its lease expires, and a deleted Service
 * comes back.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type RunningApiServer, startApiServer } from "../../src/apiserver/index.ts";
import { openStorage, type Storage } from "../../src/storage/index.ts";
import { waitFor } from "../support/wait-for.ts";

let storage: Storage;
let first: RunningApiServer;
const FAST = { endpointReconcileIntervalMs: 50, leaseTtlMs: 2_000 };

async function get(path: string): Promise<any> {
  const res = await fetch(first.url + path);
  return { status: res.status, body: await res.json() };
}

/** `ip:port` of every address in the kubernetes Endpoints. */
async function endpoints(): Promise<string[]> {
  const ep = (await get("/api/v1/namespaces/default/endpoints/kubernetes")).body;
  return (ep.subsets ?? []).flatMap((s: any) => s.addresses.map((a: any) => `${a.ip}:${s.ports[0].port}`)).sort();
}

function hostPort(url: string): string {
  return new URL(url).host;
}

before(async () => {
  storage = await openStorage({ type: "memory", dataDir: "/nonexistent" });
  first = await startApiServer({ listen: "127.0.0.1:0", storage, ...FAST });
});
after(async () => {
  await first.close();
  await storage.close();
});

test("the kubernetes Service has the first service address and points at the API server", async () => {
  const svc = (await get("/api/v1/namespaces/default/services/kubernetes")).body;
  assert.equal(svc.spec.clusterIP, "10.96.0.1");
  assert.equal(svc.spec.selector, undefined);
  const port = Number(new URL(first.url).port);
  assert.deepEqual(svc.spec.ports, [{ name: "http", protocol: "TCP", port, targetPort: port }]);
  assert.deepEqual(await endpoints(), [hostPort(first.url)]);
  const slice = (await get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes")).body;
  assert.equal(slice.addressType, "IPv4");
  assert.deepEqual(slice.endpoints, [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]);
  assert.deepEqual(slice.ports, [{ name: "http", port, protocol: "TCP" }]);
});

test("a second API server on the same store joins the endpoints and leaves them when stopped", async () => {
  const second = await startApiServer({ listen: "127.0.0.2:0", storage, ...FAST });
  try {
    await waitFor(async () => (await endpoints()).length === 2, { what: "both servers in the endpoints" });
    assert.deepEqual(await endpoints(), [hostPort(first.url), hostPort(second.url)].sort());
  } finally {
    await second.close();
  }
  assert.deepEqual(await endpoints(), [hostPort(first.url)], "a clean stop drops its lease at once");
});

test("a server that stops renewing drops out when its lease expires", async () => {
  const stale = { address: "127.0.0.3", port: 1, scheme: "http", renewedAt: Date.now(), ttlMs: 300 };
  await storage.create("core/masterleases/127.0.0.3:1", JSON.stringify(stale));
  await waitFor(async () => (await endpoints()).includes("127.0.0.3:1"), { what: "the other server listed" });
  await waitFor(async () => !(await endpoints()).includes("127.0.0.3:1"), { what: "the expired lease dropped" });
  assert.equal(await storage.get("core/masterleases/127.0.0.3:1"), undefined);
});

test("a deleted kubernetes Service is created again", async () => {
  const res = await fetch(`${first.url}/api/v1/namespaces/default/services/kubernetes`, { method: "DELETE" });
  assert.equal(res.status, 200);
  await waitFor(async () => (await get("/api/v1/namespaces/default/services/kubernetes")).status === 200, {
    what: "the Service back",
  });
  assert.equal((await get("/api/v1/namespaces/default/services/kubernetes")).body.spec.clusterIP, "10.96.0.1");
});
