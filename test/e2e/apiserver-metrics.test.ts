/**
 * The API server's metrics as kube-apiserver names and labels them, read back from the registry
 * after real requests: every verb as kube-apiserver reports it (LIST and WATCH for collection
 * GETs, APPLY for apply patches), scope, codes, the watch as a long-running request, the storage
 * calls per operation and resource, and the stored object counts.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Registry } from "prom-client";
import { openStorage } from "../../src/storage/index.ts";
import { startEtcd } from "../support/etcd.ts";
import { parseSamples, type Series, sumOf } from "../support/prom-text.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Harness, startHarness } from "./apiserver-harness.ts";

/** Each family's labels as kube-apiserver has them (minus `le` on histograms). */
const KUBE_FAMILIES: Record<string, string[]> = {
  apiserver_request_total: [
    "verb",
    "dry_run",
    "group",
    "version",
    "resource",
    "subresource",
    "scope",
    "component",
    "code",
  ],
  apiserver_request_duration_seconds: [
    "verb",
    "dry_run",
    "group",
    "version",
    "resource",
    "subresource",
    "scope",
    "component",
  ],
  apiserver_current_inflight_requests: ["request_kind"],
  apiserver_resource_objects: ["group", "resource"],
  apiserver_storage_objects: ["resource"],
  etcd_request_duration_seconds: ["operation", "group", "resource"],
  etcd_requests_total: ["operation", "group", "resource"],
};

const SVC = "/api/v1/namespaces/default/services";
const registry = new Registry();
let h: Harness;

before(async () => {
  h = await startHarness({ metrics: registry, objectCountIntervalMs: 50 });
});
after(() => h?.close());

async function samples(): Promise<Series[]> {
  return parseSamples(await registry.metrics());
}

const service = (name: string) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name },
  spec: { ports: [{ port: 80 }] },
});

test("requests are counted with kube-apiserver's verbs, scopes, codes and labels", async () => {
  assert.equal((await h.call("POST", SVC, service("web"))).status, 201);
  assert.equal((await h.call("POST", SVC, service("web"))).status, 409);
  assert.equal((await h.call("POST", `${SVC}?dryRun=All`, service("dry"))).status, 201);
  assert.equal((await h.call("GET", `${SVC}/web`)).status, 200);
  assert.equal((await h.call("GET", `${SVC}/nope`)).status, 404);
  assert.equal((await h.call("GET", SVC)).status, 200);
  assert.equal((await h.call("GET", "/api/v1/services")).status, 200);
  assert.equal((await h.call("GET", "/apis/discovery.k8s.io/v1/endpointslices")).status, 200);
  const merge = { "content-type": "application/merge-patch+json" };
  assert.equal((await h.call("PATCH", `${SVC}/web`, { metadata: { labels: { a: "b" } } }, merge)).status, 200);
  const apply = { "content-type": "application/apply-patch+yaml" };
  const applied = JSON.stringify({ ...service("web"), metadata: { name: "web", labels: { c: "d" } } });
  assert.equal((await h.call("PATCH", `${SVC}/web?fieldManager=test`, applied, apply)).status, 200);
  const current = (await h.call("GET", `${SVC}/web`)).body;
  assert.equal((await h.call("PUT", `${SVC}/web/status`, current)).status, 200);
  assert.equal((await h.call("DELETE", `${SVC}/web`)).status, 200);

  const s = await samples();
  const req = (labels: Record<string, string>) => sumOf(s, "apiserver_request_total", labels);
  const core = { group: "", version: "v1", resource: "services", component: "apiserver" };
  assert.equal(req({ ...core, verb: "POST", scope: "resource", code: "201", dry_run: "" }), 1);
  assert.equal(req({ ...core, verb: "POST", scope: "resource", code: "201", dry_run: "All" }), 1);
  assert.equal(req({ ...core, verb: "POST", scope: "resource", code: "409" }), 1);
  assert.equal(req({ ...core, verb: "GET", scope: "resource", code: "200", subresource: "" }), 2);
  assert.equal(req({ ...core, verb: "GET", scope: "resource", code: "404" }), 1);
  assert.equal(req({ ...core, verb: "LIST", scope: "namespace", code: "200" }), 1);
  assert.equal(req({ ...core, verb: "LIST", scope: "cluster", code: "200" }), 1);
  assert.equal(
    req({ group: "discovery.k8s.io", version: "v1", resource: "endpointslices", verb: "LIST", scope: "cluster" }),
    1,
  );
  assert.equal(req({ ...core, verb: "PATCH", code: "200" }), 1);
  assert.equal(req({ ...core, verb: "APPLY", code: "200" }), 1);
  assert.equal(req({ ...core, verb: "PUT", subresource: "status", scope: "resource", code: "200" }), 1);
  assert.equal(req({ ...core, verb: "DELETE", scope: "resource", code: "200" }), 1);
  assert.equal(sumOf(s, "apiserver_request_duration_seconds_count", { ...core, verb: "POST", dry_run: "" }), 2);
  assert.equal(sumOf(s, "apiserver_request_duration_seconds_bucket", { ...core, verb: "DELETE", le: "60" }), 1);
  assert.equal(sumOf(s, "apiserver_current_inflight_requests", { request_kind: "readOnly" }), 0);
  assert.equal(sumOf(s, "apiserver_current_inflight_requests", { request_kind: "mutating" }), 0);

  const etcd = (operation: string) => sumOf(s, "etcd_requests_total", { operation, group: "", resource: "services" });
  assert.ok(etcd("create") >= 3, "the creates (the conflict included) reached storage");
  assert.ok(etcd("get") >= 1);
  assert.ok(etcd("list") >= 2);
  assert.ok(etcd("update") >= 3);
  assert.ok(etcd("delete") >= 1);
  assert.equal(
    sumOf(s, "etcd_request_duration_seconds_count", { operation: "create", group: "", resource: "services" }),
    etcd("create"),
  );
  assert.ok(sumOf(s, "etcd_requests_total", { resource: "ipallocations" }) >= 2, "cluster IPs are keys too");

  for (const [family, labels] of Object.entries(KUBE_FAMILIES)) {
    const found = s.filter((x) => x.name === family || x.name.startsWith(`${family}_`));
    assert.ok(found.length > 0, `${family} is exported`);
    for (const x of found) {
      const names = Object.keys(x.labels).filter((k) => k !== "le");
      assert.deepEqual(names.sort(), [...labels].sort(), `${x.name} has kube-apiserver's labels`);
    }
  }
});

test("a watch is a long-running request while it is open, then counted as WATCH", async () => {
  const abort = new AbortController();
  const res = await fetch(`${h.url}${SVC}?watch=true`, { signal: abort.signal });
  assert.equal(res.status, 200);
  const open = { verb: "WATCH", resource: "services", scope: "namespace", group: "", version: "v1" };
  await waitFor(async () => sumOf(await samples(), "apiserver_longrunning_requests", open) === 1, {
    what: "the open watch in apiserver_longrunning_requests",
  });
  const gauge = (await samples()).find((x) => x.name === "apiserver_longrunning_requests");
  assert.deepEqual(
    Object.keys(gauge?.labels ?? {}).sort(),
    ["component", "group", "resource", "scope", "subresource", "verb", "version"],
    "kube-apiserver's labels",
  );
  abort.abort();
  await res.body?.cancel().catch(() => undefined);
  await waitFor(
    async () => {
      const s = await samples();
      return (
        sumOf(s, "apiserver_longrunning_requests", open) === 0 &&
        sumOf(s, "apiserver_request_total", { ...open, code: "200" }) === 1
      );
    },
    { what: "the ended watch counted as WATCH 200" },
  );
});

test("stored objects are counted per resource under both names", async () => {
  const namespaces = (await h.call("GET", "/api/v1/namespaces")).body.items.length as number;
  const slices = (await h.call("GET", "/apis/discovery.k8s.io/v1/endpointslices")).body.items.length as number;
  await waitFor(
    async () => {
      const s = await samples();
      return (
        sumOf(s, "apiserver_resource_objects", { group: "", resource: "namespaces" }) === namespaces &&
        sumOf(s, "apiserver_storage_objects", { resource: "namespaces" }) === namespaces &&
        sumOf(s, "apiserver_resource_objects", { group: "discovery.k8s.io", resource: "endpointslices" }) === slices &&
        sumOf(s, "apiserver_storage_objects", { resource: "endpointslices.discovery.k8s.io" }) === slices
      );
    },
    { what: `${namespaces} namespaces and ${slices} EndpointSlices counted` },
  );
});

test("the embedded and etcd stores are measured through the same wrapper", async () => {
  const etcd = await startEtcd();
  const dir = await mkdtemp(join(tmpdir(), "kdns-metrics-store-"));
  try {
    for (const storage of [
      await openStorage({ type: "embedded", dataDir: dir }),
      await openStorage({ type: "etcd", dataDir: dir, etcdEndpoints: [etcd.endpoint], etcdPrefix: "/metrics-test/" }),
    ]) {
      const own = new Registry();
      const server = await startHarness({ storage, metrics: own });
      try {
        assert.equal((await server.call("POST", SVC, service("web"))).status, 201);
        const s = parseSamples(await own.metrics());
        const where = { operation: "create", group: "", resource: "services" };
        // The POST, and the kubernetes Service the server keeps, when it has written it by now.
        assert.ok(sumOf(s, "etcd_requests_total", where) >= 1);
        assert.equal(sumOf(s, "etcd_request_duration_seconds_count", where), sumOf(s, "etcd_requests_total", where));
      } finally {
        await server.close();
        await storage.close();
      }
    }
  } finally {
    await etcd.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
