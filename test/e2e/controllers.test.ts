/**
 * End to end: the real API server (memory storage) on loopback, the controllers against it, and
 * Endpoints / EndpointSlices following pod and service changes.
 */

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Registry } from "prom-client";
import { resourceByPath } from "../../src/api/resources.ts";
import type { EndpointSlice, Endpoints, Pod, Service } from "../../src/api/types.ts";
import { startApiServer } from "../../src/apiserver/index.ts";
import { ClientError, RestClient } from "../../src/client/rest-client.ts";
import { type RunningControllers, startControllers } from "../../src/controllers/index.ts";
import { openStorage } from "../../src/storage/index.ts";
import { parseSamples, sumOf } from "../support/prom-text.ts";
import { waitFor } from "../support/wait-for.ts";

const PODS = resourceByPath("", "pods")!;
const SERVICES = resourceByPath("", "services")!;
const ENDPOINTS = resourceByPath("", "endpoints")!;
const SLICES = resourceByPath("discovery.k8s.io", "endpointslices")!;

/** Memory storage, the API server and the controllers on loopback, stopped when the test ends. */
async function startControlPlane(
  t: TestContext,
  metrics?: Registry,
): Promise<{ client: RestClient; controllers: RunningControllers }> {
  const dataDir = await mkdtemp(join(tmpdir(), "kdns-ctrl-"));
  const storage = await openStorage({ type: "memory", dataDir });
  const server = await startApiServer({ listen: "127.0.0.1:0", storage });
  const client = new RestClient({ server: server.url });
  const controllers = await startControllers({ client, ...(metrics ? { metrics } : {}) });
  t.after(async () => {
    await controllers.close();
    await server.close();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { client, controllers };
}

test("endpoints and slices follow pods and services", async (t) => {
  const { client, controllers } = await startControlPlane(t);
  await waitFor(() => controllers.synced(), { what: "controller caches to sync" });

  const latencies: Record<string, number> = {};
  /** Runs `change`, then waits until `check` holds, recording how long that took. */
  async function observe<T>(
    label: string,
    change: () => Promise<unknown>,
    check: () => Promise<T>,
  ): Promise<Exclude<T, false | undefined>> {
    const started = performance.now();
    await change();
    const value = await waitFor(check, { timeoutMs: 5000, intervalMs: 2, what: label });
    latencies[label] = Math.round(performance.now() - started);
    return value;
  }
  const getEndpoints = async (): Promise<Endpoints | undefined> => {
    try {
      return await client.get<Endpoints>(ENDPOINTS, "default", "web");
    } catch (err) {
      if (err instanceof ClientError && err.code === 404) return undefined;
      throw err;
    }
  };
  const ips = (ep: Endpoints | undefined, field: "addresses" | "notReadyAddresses"): string =>
    (ep?.subsets ?? [])
      .flatMap((s) => (s[field] ?? []).map((a) => a.ip))
      .sort()
      .join(",");
  const webSlices = async (): Promise<EndpointSlice[]> =>
    (await client.list<EndpointSlice>(SLICES, "default", { labelSelector: "kubernetes.io/service-name=web" })).items;

  async function makePod(name: string, ip: string, labels: Record<string, string>, ready: boolean): Promise<void> {
    await client.create<Pod>(PODS, "default", {
      metadata: { name, labels },
      spec: { containers: [{ name: "app", image: "nginx", ports: [{ name: "http", containerPort: 8080 }] }] },
    });
    await setReady(name, ip, ready);
  }
  async function setReady(name: string, ip: string, ready: boolean): Promise<void> {
    await client.patch(
      PODS,
      "default",
      name,
      {
        status: {
          phase: "Running",
          podIP: ip,
          podIPs: [{ ip }],
          conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
        },
      },
      "application/merge-patch+json",
      "status",
    );
  }

  await client.create<Service>(SERVICES, "default", {
    metadata: { name: "web" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
  });
  await observe(
    "service created -> empty Endpoints",
    async () => {},
    async () => (await getEndpoints()) !== undefined,
  );

  await observe(
    "two pods appear",
    async () => {
      await makePod("web-1", "10.1.0.1", { app: "web" }, true);
      await makePod("web-2", "10.1.0.2", { app: "web" }, true);
    },
    async () => ips(await getEndpoints(), "addresses") === "10.1.0.1,10.1.0.2",
  );
  const ep = await getEndpoints();
  assert.deepEqual(
    ep?.subsets?.[0]?.ports,
    [{ name: "http", port: 8080, protocol: "TCP" }],
    "named target port resolved",
  );
  const slices = await waitFor(
    async () => {
      const s = await webSlices();
      return s.length === 1 && s[0]!.endpoints.length === 2 ? s : undefined;
    },
    { what: "one IPv4 slice with two endpoints" },
  );
  assert.equal(slices[0]?.metadata.name, "web-ipv4");
  assert.equal(slices[0]?.addressType, "IPv4");

  await observe(
    "readiness lost -> notReadyAddresses",
    () => setReady("web-1", "10.1.0.1", false),
    async () => {
      const e = await getEndpoints();
      return ips(e, "addresses") === "10.1.0.2" && ips(e, "notReadyAddresses") === "10.1.0.1";
    },
  );
  await observe(
    "slice marks the endpoint not ready",
    async () => {},
    async () => {
      const s = await webSlices();
      return s[0]?.endpoints.find((e) => e.addresses[0] === "10.1.0.1")?.conditions?.ready === false;
    },
  );

  await observe(
    "label change removes the pod",
    () => client.patch(PODS, "default", "web-1", { metadata: { labels: { app: "other" } } }),
    async () => {
      const e = await getEndpoints();
      return ips(e, "addresses") === "10.1.0.2" && ips(e, "notReadyAddresses") === "";
    },
  );

  await observe(
    "pod deletion removes it",
    () => client.delete(PODS, "default", "web-2"),
    async () => {
      const e = await getEndpoints();
      return e !== undefined && ips(e, "addresses") === "" && ips(e, "notReadyAddresses") === "";
    },
  );
  await observe(
    "slices follow to empty",
    async () => {},
    async () => (await webSlices()).length === 0,
  );

  await observe(
    "selector change picks the relabelled pod",
    async () => {
      await setReady("web-1", "10.1.0.1", true);
      await client.patch(SERVICES, "default", "web", { spec: { selector: { app: "other" } } });
    },
    async () => ips(await getEndpoints(), "addresses") === "10.1.0.1",
  );

  await observe(
    "hand-deleted Endpoints are recreated",
    () => client.delete(ENDPOINTS, "default", "web"),
    async () => ips(await getEndpoints(), "addresses") === "10.1.0.1",
  );

  await observe(
    "service deletion removes Endpoints and slices",
    () => client.delete(SERVICES, "default", "web"),
    async () => (await getEndpoints()) === undefined && (await webSlices()).length === 0,
  );

  t.diagnostic(`observed latency (ms, incl. the API writes): ${JSON.stringify(latencies)}`);
  for (const [label, ms] of Object.entries(latencies)) assert.ok(ms < 2000, `${label} took ${ms} ms`);
});

test("selector-less services keep hand-written Endpoints", async (t) => {
  const { client, controllers } = await startControlPlane(t);
  await waitFor(() => controllers.synced());
  await client.create(SERVICES, "default", {
    metadata: { name: "ext" },
    spec: { ports: [{ port: 5432, protocol: "TCP" }] },
  });
  await client.create(ENDPOINTS, "default", {
    metadata: { name: "ext" },
    subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 5432 }] }],
  });
  // A selector-bearing service in the same namespace proves the controller is syncing meanwhile.
  await client.create(SERVICES, "default", {
    metadata: { name: "probe" },
    spec: { selector: { app: "probe" }, ports: [{ port: 80, protocol: "TCP" }] },
  });
  await waitFor(async () => (await client.get(ENDPOINTS, "default", "probe")) !== undefined, {
    what: "probe Endpoints",
  });
  const ep = await client.get<Endpoints>(ENDPOINTS, "default", "ext");
  assert.equal(ep.subsets?.[0]?.addresses?.[0]?.ip, "192.0.2.10");
  const slices = await client.list<EndpointSlice>(SLICES, "default", {
    labelSelector: "kubernetes.io/service-name=ext",
  });
  assert.equal(slices.items.length, 0);
});

test("the controllers' queue and informers are counted as client-go's workqueue and kdns's informer gauges", async (t) => {
  const registry = new Registry();
  const { client, controllers } = await startControlPlane(t, registry);
  await waitFor(() => controllers.synced(), { what: "controller caches to sync" });
  await client.create<Service>(SERVICES, "default", {
    metadata: { name: "counted" },
    spec: { selector: { app: "counted" }, ports: [{ port: 80 }] },
  });
  await waitFor(() => client.get<Endpoints>(ENDPOINTS, "default", "counted"), { what: "the Endpoints written" });
  const queue = { name: "endpoint" };
  const s = await waitFor(
    async () => {
      const s = parseSamples(await registry.metrics());
      return sumOf(s, "workqueue_work_duration_seconds_count", queue) > 0 && s;
    },
    { what: "a finished sync in workqueue_work_duration_seconds" },
  );
  assert.ok(sumOf(s, "workqueue_adds_total", queue) >= 1);
  assert.ok(sumOf(s, "workqueue_queue_duration_seconds_count", queue) >= 1);
  assert.equal(s.filter((x) => x.name === "workqueue_depth" && x.labels.name === "endpoint").length, 1);
  for (const resource of ["services", "pods", "endpoints", "endpointslices"])
    assert.equal(sumOf(s, "kdns_informer_synced", { component: "controllers", resource }), 1, resource);
  assert.ok(sumOf(s, "kdns_informer_objects", { component: "controllers", resource: "services" }) >= 2);
});
