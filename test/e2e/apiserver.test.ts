/** End-to-end: every verb on every kind, and the error statuses, through a real server on loopback. */

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { RESOURCES } from "../../src/api/resources.ts";
import { startApiServer } from "../../src/apiserver/index.ts";
import { openStorage, type Storage, StorageUnavailableError } from "../../src/storage/index.ts";
import { FLAT_DNS_RECORD } from "../support/flat-dns-record.ts";
import { type Harness, startHarness } from "./apiserver-harness.ts";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

/** One sample object and its collection path per served kind. */
const KINDS = [
  {
    path: "/api/v1/namespaces/default/pods",
    obj: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p1", labels: { app: "web" } },
      spec: { containers: [{ name: "c", image: "nginx" }] },
      status: { podIP: "10.244.0.5" },
    },
  },
  {
    path: "/api/v1/namespaces/default/services",
    obj: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s1", labels: { app: "web" } },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    },
  },
  {
    path: "/api/v1/namespaces/default/endpoints",
    obj: {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "s1", labels: { app: "web" } },
      subsets: [{ addresses: [{ ip: "10.244.0.5" }], ports: [{ port: 80 }] }],
    },
  },
  {
    path: "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
    obj: {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "s1-abc", labels: { app: "web" } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.244.0.5"] }],
      ports: [{ port: 80 }],
    },
  },
  {
    path: "/apis/kdns.dev/v1/namespaces/default/dnsrecords",
    obj: {
      apiVersion: "kdns.dev/v1",
      kind: "DNSRecord",
      metadata: { name: "r1", labels: { app: "web" } },
      spec: { host: "web.example.com", paths: [{ path: "/", service: "s1", port: 80 }] },
    },
  },
  {
    path: "/api/v1/namespaces/default/secrets",
    obj: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "sec1", labels: { app: "web" } },
      data: { password: "c2VjcmV0" },
    },
  },
  {
    path: "/api/v1/namespaces/default/configmaps",
    obj: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm1", labels: { app: "web" } },
      data: { "app.properties": "a=b\n" },
    },
  },
  {
    path: "/api/v1/namespaces",
    // No finalizers: deleted at once (with the default `kubernetes` one it waits for the namespace controller).
    obj: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "crud-ns", labels: { app: "web" } },
      spec: { finalizers: [] },
    },
  },
];

for (const { path, obj } of KINDS) {
  test(`${obj.kind}: create, get, list, update, patch, delete`, async () => {
    const name = obj.metadata.name;
    const created = await h.call("POST", path, obj);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const c = created.body;
    assert.equal(c.kind, obj.kind);
    assert.match(c.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(c.metadata.generation, 1);
    assert.match(c.metadata.resourceVersion, /^[0-9]+$/);
    assert.ok(c.metadata.creationTimestamp);
    if (obj.kind === "Pod") assert.equal(c.status.podIP, "10.244.0.5", "status given on create is kept");

    assert.equal((await h.call("POST", path, obj)).body.reason, "AlreadyExists");
    const got = await h.call("GET", `${path}/${name}`);
    assert.deepEqual(got.body, c);
    const list = await h.call("GET", `${path}?labelSelector=app%3Dweb`);
    assert.equal(list.body.kind, `${obj.kind}List`);
    assert.ok(list.body.items.some((i: any) => i.metadata.name === name));
    assert.ok(Number(list.body.metadata.resourceVersion) >= Number(c.metadata.resourceVersion));
    const none = await h.call("GET", `${path}?labelSelector=app%3Dnothing`);
    assert.deepEqual(none.body.items, []);

    const changed = { ...c, metadata: { ...c.metadata, labels: { app: "web", v: "2" } } };
    const updated = await h.call("PUT", `${path}/${name}`, changed);
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.metadata.labels.v, "2");
    assert.equal(updated.body.metadata.uid, c.metadata.uid);
    assert.equal(updated.body.metadata.generation, 1, "a metadata-only change keeps the generation");
    assert.ok(Number(updated.body.metadata.resourceVersion) > Number(c.metadata.resourceVersion));

    const stale = await h.call("PUT", `${path}/${name}`, changed);
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, "Conflict");
    assert.match(
      stale.body.message,
      /the object has been modified; please apply your changes to the latest version and try again/,
    );

    const merged = await h.call(
      "PATCH",
      `${path}/${name}`,
      { metadata: { annotations: { a: "b" } } },
      { "content-type": "application/merge-patch+json" },
    );
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    assert.equal(merged.body.metadata.annotations.a, "b");
    const jsonPatched = await h.call(
      "PATCH",
      `${path}/${name}`,
      [{ op: "add", path: "/metadata/labels/j", value: "p" }],
      { "content-type": "application/json-patch+json" },
    );
    assert.equal(jsonPatched.status, 200, JSON.stringify(jsonPatched.body));
    assert.equal(jsonPatched.body.metadata.labels.j, "p");

    const deleted = await h.call("DELETE", `${path}/${name}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.metadata.name, name);
    assert.equal((await h.call("GET", `${path}/${name}`)).status, 404);
    assert.equal((await h.call("DELETE", `${path}/${name}`)).body.reason, "NotFound");
  });
}

test("spec changes bump the generation; main PUT keeps status, /status changes only status", async () => {
  const path = "/api/v1/namespaces/default/pods";
  const c = (
    await h.call("POST", path, {
      metadata: { name: "gen" },
      spec: { containers: [{ name: "c", image: "a", ports: [{ containerPort: 80 }] }] },
      status: { phase: "Pending" },
    })
  ).body;
  const same = await h.call("PUT", `${path}/gen`, {
    ...c,
    spec: { containers: [{ name: "c", image: "a", ports: [{ containerPort: 80 }] }] },
  });
  assert.equal(same.body.metadata.generation, 1, "a body without the defaulted protocol is the same spec");
  const put = await h.call("PUT", `${path}/gen`, {
    ...same.body,
    spec: { containers: [{ name: "c", image: "b" }] },
    status: { phase: "Hacked" },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.metadata.generation, 2);
  assert.equal(put.body.status.phase, "Pending");
  const st = await h.call("PUT", `${path}/gen/status`, {
    ...put.body,
    spec: { containers: [{ name: "c", image: "z" }] },
    status: { phase: "Running", podIP: "10.1.2.3" },
  });
  assert.equal(st.status, 200, JSON.stringify(st.body));
  assert.equal(st.body.status.phase, "Running");
  assert.equal(st.body.spec.containers[0].image, "b");
  const sp = await h.call(
    "PATCH",
    `${path}/gen/status`,
    { status: { phase: "Succeeded" } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(sp.body.status.phase, "Succeeded");
  assert.equal(sp.body.status.podIP, "10.1.2.3");
  assert.equal((await h.call("GET", `${path}/gen/status`)).body.status.phase, "Succeeded");
});

test("generateName, all-namespace lists and field selectors", async () => {
  const made = await h.call("POST", "/api/v1/namespaces/kube-system/endpoints", { metadata: { generateName: "gen-" } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.match(made.body.metadata.name, /^gen-[a-z0-9]{5}$/);
  const all = await h.call("GET", "/api/v1/endpoints");
  assert.ok(all.body.items.some((i: any) => i.metadata.namespace === "kube-system"));
  const byName = await h.call("GET", `/api/v1/endpoints?fieldSelector=metadata.name%3D${made.body.metadata.name}`);
  assert.deepEqual(
    byName.body.items.map((i: any) => i.metadata.name),
    [made.body.metadata.name],
  );
  const notKs = await h.call("GET", "/api/v1/endpoints?fieldSelector=metadata.namespace!%3Dkube-system");
  assert.ok(notKs.body.items.every((i: any) => i.metadata.namespace !== "kube-system"));
  assert.equal((await h.call("GET", "/api/v1/endpoints?fieldSelector=spec.x%3Dy")).status, 400);
});

test("limit/continue pages through one snapshot", async () => {
  await h.call("POST", "/api/v1/namespaces", { metadata: { name: "paging" } });
  for (let i = 0; i < 7; i++)
    await h.call("POST", "/api/v1/namespaces/paging/endpoints", {
      metadata: { name: `e${i}`, labels: { odd: String(i % 2) } },
    });
  const names: string[] = [];
  let token = "";
  let pages = 0;
  let rv: string | undefined;
  do {
    const page = await h.call(
      "GET",
      `/api/v1/namespaces/paging/endpoints?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
    );
    assert.equal(page.status, 200);
    rv ??= page.body.metadata.resourceVersion;
    assert.equal(page.body.metadata.resourceVersion, rv, "every page is read at the first page's revision");
    names.push(...page.body.items.map((i: any) => i.metadata.name));
    token = page.body.metadata.continue ?? "";
    if (pages++ === 0) await h.call("POST", "/api/v1/namespaces/paging/endpoints", { metadata: { name: "e9-late" } });
  } while (token);
  assert.deepEqual(names, ["e0", "e1", "e2", "e3", "e4", "e5", "e6"]);
  const odd = await h.call("GET", "/api/v1/namespaces/paging/endpoints?limit=2&labelSelector=odd%3D1");
  assert.deepEqual(
    odd.body.items.map((i: any) => i.metadata.name),
    ["e1", "e3"],
  );
  assert.ok(odd.body.metadata.continue);
  assert.equal((await h.call("GET", "/api/v1/namespaces/paging/endpoints?continue=garbage")).status, 400);
});

test("20 concurrent PUTs with one resourceVersion: exactly one wins", async () => {
  const c = (await h.call("POST", "/api/v1/namespaces/default/endpoints", { metadata: { name: "race" } })).body;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      h.call("PUT", "/api/v1/namespaces/default/endpoints/race", {
        ...c,
        metadata: { ...c.metadata, labels: { i: String(i) } },
      }),
    ),
  );
  assert.equal(results.filter((r) => r.status === 200).length, 1);
  assert.equal(results.filter((r) => r.status === 409 && r.body.reason === "Conflict").length, 19);
});

test("the flat kind: DNS record is accepted verbatim", async () => {
  const flat = FLAT_DNS_RECORD;
  const res = await h.call("POST", "/apis/kdns.dev/v1/namespaces/default/dnsrecords", flat);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.apiVersion, "kdns.dev/v1");
  assert.equal(res.body.kind, "DNSRecord");
  assert.equal(res.body.metadata.name, "dns-test1");
  assert.equal(res.body.metadata.namespace, "default");
  assert.equal(res.body.spec.host, "node1.com");
  assert.deepEqual(res.body.spec.paths, [
    { path: "/service1", service: "service1", address: "10.1.1.10", port: 8010 },
    { path: "/service2", service: "service2", address: "10.1.1.11", port: 8011 },
  ]);
});

test("4xx statuses", async () => {
  const svc = "/api/v1/namespaces/default/services";
  const notJson = await h.call("POST", svc, "{nope");
  assert.deepEqual([notJson.status, notJson.body.kind, notJson.body.reason], [400, "Status", "BadRequest"]);
  const yaml = await h.call("POST", "/api/v1/namespaces/default/endpoints", "metadata:\n  name: from-yaml\n", {
    "content-type": "application/yaml",
  });
  assert.equal(yaml.status, 201, JSON.stringify(yaml.body));
  assert.equal((await h.call("POST", svc, "metadata: [", { "content-type": "application/yaml" })).status, 400);
  const wrongKind = await h.call("POST", svc, { apiVersion: "v1", kind: "Pod", metadata: { name: "x" } });
  assert.equal(wrongKind.status, 400);
  const wrongNs = await h.call("POST", svc, {
    metadata: { name: "x", namespace: "other" },
    spec: { ports: [{ port: 1 }] },
  });
  assert.equal(wrongNs.status, 400);
  const noNs = await h.call("POST", "/api/v1/namespaces/missing/services", {
    metadata: { name: "x" },
    spec: { ports: [{ port: 1 }] },
  });
  assert.deepEqual([noNs.status, noNs.body.message], [404, 'namespaces "missing" not found']);
  const invalid = await h.call("POST", svc, { metadata: { name: "Bad_Name" }, spec: { ports: [{ port: 1 }] } });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.body.reason, "Invalid");
  assert.ok(invalid.body.details.causes.some((c: any) => c.field === "metadata.name"));
  const noName = await h.call("POST", svc, { spec: { ports: [{ port: 1 }] } });
  assert.equal(noName.status, 422);
  await h.call("POST", "/api/v1/namespaces/default/endpoints", { metadata: { name: "named" } });
  const renamed = await h.call("PUT", "/api/v1/namespaces/default/endpoints/named", { metadata: { name: "other" } });
  assert.equal(renamed.status, 400);
  assert.equal(
    (await h.call("PUT", "/api/v1/namespaces/default/endpoints/ghost", { metadata: { name: "ghost" } })).status,
    404,
  );
  const unknownPatch = await h.call(
    "PATCH",
    "/api/v1/namespaces/default/endpoints/named",
    {},
    { "content-type": "application/x-unknown-patch+json" },
  );
  assert.deepEqual([unknownPatch.status, unknownPatch.body.reason], [415, "UnsupportedMediaType"]);
  const smp = await h.call(
    "PATCH",
    "/api/v1/namespaces/default/endpoints/named",
    { metadata: { labels: { a: "b" } } },
    { "content-type": "application/strategic-merge-patch+json" },
  );
  assert.deepEqual([smp.status, smp.body.metadata.labels], [200, { a: "b" }]);
  const badPatch = await h.call(
    "PATCH",
    "/api/v1/namespaces/default/endpoints/named",
    [{ op: "remove", path: "/nope/x" }],
    { "content-type": "application/json-patch+json" },
  );
  assert.equal(badPatch.status, 422);
  const post = await h.call("POST", "/api/v1/namespaces/default/endpoints/named", {});
  assert.deepEqual([post.status, post.body.reason], [405, "MethodNotAllowed"]);
  assert.equal((await h.call("DELETE", "/api/v1/namespaces/default/endpoints")).status, 405);
  assert.equal((await h.call("GET", "/api/v1/widgets")).status, 404);
  assert.equal(
    (await h.call("GET", "/api/v1/namespaces/default/endpoints/named/status")).status,
    404,
    "endpoints have no status subresource",
  );
  assert.equal((await h.call("DELETE", "/api/v1/namespaces/default")).status, 403);
});

test("413 for a body over 3 MiB, and the server keeps serving", async () => {
  const big = JSON.stringify({ metadata: { name: "big", annotations: { a: "x".repeat(3 * 1024 * 1024) } } });
  const res = await fetch(`${h.url}/api/v1/namespaces/default/endpoints`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: big,
  });
  assert.equal(res.status, 413);
  assert.equal(((await res.json()) as any).reason, "RequestEntityTooLarge");
  const chunked = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024 * 1024)));
      controller.close();
    },
  });
  const res2 = await fetch(`${h.url}/api/v1/namespaces/default/endpoints`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: chunked,
    duplex: "half",
  } as RequestInit);
  assert.equal(res2.status, 413);
  await res2.body?.cancel();
  assert.equal((await h.call("GET", "/api/v1/namespaces/default/endpoints/big")).status, 404);
});

test("deleting a namespace marks it Terminating until its finalizer goes; nothing new may be created in it", async () => {
  await h.call("POST", "/api/v1/namespaces", { metadata: { name: "doomed" } });
  const svc = await h.call("POST", "/api/v1/namespaces/doomed/services", {
    metadata: { name: "s" },
    spec: { ports: [{ port: 80 }] },
  });
  const del = await h.call("DELETE", "/api/v1/namespaces/doomed");
  assert.equal(del.status, 200);
  assert.equal(del.body.kind, "Namespace");
  assert.equal(del.body.status.phase, "Terminating");
  assert.ok(del.body.metadata.deletionTimestamp);
  assert.deepEqual(del.body.spec.finalizers, ["kubernetes"]);
  const create = await h.call("POST", "/api/v1/namespaces/doomed/configmaps", { metadata: { name: "late" } });
  assert.equal(create.status, 403);
  assert.equal(
    create.body.message,
    'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
  );
  assert.equal(create.body.details.causes[0].reason, "NamespaceTerminating");
  const again = await h.call("DELETE", "/api/v1/namespaces/doomed");
  assert.equal(again.status, 409);
  assert.match(again.body.message, /The system is ensuring all content is removed from this namespace/);
  assert.equal((await h.call("DELETE", "/api/v1/namespaces/doomed/services/s")).status, 200);
  assert.equal(
    await h.storage.get(`core/ipallocations/${svc.body.spec.clusterIP}`),
    undefined,
    "the service's IP is released",
  );
  // What the namespace controller does once the namespace is empty: the API server then removes it.
  const ns = (await h.call("GET", "/api/v1/namespaces/doomed")).body;
  const finalized = await h.call("PUT", "/api/v1/namespaces/doomed/finalize", { ...ns, spec: { finalizers: [] } });
  assert.equal(finalized.status, 200, JSON.stringify(finalized.body));
  assert.equal((await h.call("GET", "/api/v1/namespaces/doomed")).status, 404);
});

test("discovery documents", async () => {
  const api = await h.call("GET", "/api");
  assert.deepEqual(api.body.versions, ["v1"]);
  const core = await h.call("GET", "/api/v1");
  assert.equal(core.body.kind, "APIResourceList");
  const svc = core.body.resources.find((r: any) => r.name === "services");
  assert.deepEqual([svc.kind, svc.namespaced, svc.singularName, svc.shortNames], ["Service", true, "service", ["svc"]]);
  assert.ok(svc.verbs.includes("watch"));
  assert.ok(core.body.resources.some((r: any) => r.name === "pods/status"));
  const groups = await h.call("GET", "/apis");
  const named = [...new Set(RESOURCES.map((r) => r.group).filter((g) => g !== ""))].sort();
  assert.ok(named.includes("kdns.dev") && named.includes("networking.k8s.io"));
  assert.deepEqual(groups.body.groups.map((g: any) => g.name).sort(), named);
  const kdns = await h.call("GET", "/apis/kdns.dev/v1");
  assert.ok(kdns.body.resources.some((r: any) => r.name === "dnsrecords/status"));
  assert.equal((await h.call("GET", "/apis/nope.io/v1")).status, 404);
});

test("health, readiness checks and version", async () => {
  assert.deepEqual([(await h.call("GET", "/healthz")).body, (await h.call("GET", "/livez")).body], ["ok", "ok"]);
  assert.equal((await h.call("GET", "/readyz")).body, "ok");
  let ready = false;
  h.server.addReadyCheck(
    "informers-synced",
    () => ready,
    () => "waiting for pods (3 listed)",
  );
  const notReady = await h.call("GET", "/readyz");
  assert.equal(notReady.status, 503);
  assert.match(notReady.body, /\[-\]informers-synced failed: reason withheld/);
  const verbose = await h.call("GET", "/readyz?verbose");
  assert.match(verbose.body, /\[-\]informers-synced failed: waiting for pods \(3 listed\)/);
  ready = true;
  assert.equal((await h.call("GET", "/readyz")).status, 200);
  const version = await h.call("GET", "/version");
  assert.equal(version.body.major, "1");
  assert.match(version.body.gitVersion, /^v1\.\d+\.\d+-kdns$/);
  assert.match(version.body.platform, /\//);
});

test("bearer tokens, listen errors, and refusing non-loopback without a token file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-auth-"));
  const storage = await openStorage({ type: "memory", dataDir: dir });
  try {
    await writeFile(join(dir, "tokens"), '# comment\ns3cret,admin,1,"system:masters"\n');
    const secured = await startHarness({ storage, tokenFile: join(dir, "tokens") });
    try {
      const anon = await secured.call("GET", "/api/v1/namespaces");
      assert.equal(anon.status, 401);
      assert.equal(anon.body.reason, "Unauthorized");
      assert.match(anon.headers.get("www-authenticate") ?? "", /^Bearer/);
      assert.equal(
        (await secured.call("GET", "/api/v1/namespaces", undefined, { authorization: "Bearer wrong" })).status,
        401,
      );
      assert.equal(
        (await secured.call("GET", "/api/v1/namespaces", undefined, { authorization: "Bearer s3cret" })).status,
        200,
      );
      assert.equal((await secured.call("GET", "/healthz")).status, 200);
      assert.equal((await secured.call("GET", "/version")).status, 200);
      const port = new URL(secured.url).port;
      await assert.rejects(startApiServer({ listen: `127.0.0.1:${port}`, storage }), {
        message: `api server: cannot listen on 127.0.0.1:${port}: address already in use`,
      });
    } finally {
      await secured.close();
    }
    await assert.rejects(startApiServer({ listen: "0.0.0.0:0", storage }), {
      message: "refusing to listen on 0.0.0.0:0 without --token-file",
    });
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("storage outages are 503 and unexpected faults 500 without a stack", async () => {
  const storage = await openStorage({ type: "memory", dataDir: "/nonexistent" });
  let fault: Error | undefined;
  const flaky: Storage = {
    get: async (k) => {
      if (fault) throw fault;
      return await storage.get(k);
    },
    list: (p, o) => storage.list(p, o),
    create: (k, v) => storage.create(k, v),
    update: (k, v, r) => storage.update(k, v, r),
    delete: (k, r) => storage.delete(k, r),
    watch: (p, r, o) => storage.watch(p, r, o),
    revision: () => storage.revision(),
    healthy: async () => fault === undefined,
    close: () => storage.close(),
  };
  const hh = await startHarness({ storage: flaky });
  try {
    fault = new StorageUnavailableError("etcd is down");
    const down = await hh.call("GET", "/api/v1/namespaces/default");
    assert.deepEqual([down.status, down.body.kind, down.body.reason], [503, "Status", "ServiceUnavailable"]);
    assert.equal((await hh.call("GET", "/readyz")).status, 503);
    fault = new Error("secret internals at /some/path.ts:1");
    const broken = await hh.call("GET", "/api/v1/namespaces/default");
    assert.deepEqual([broken.status, broken.body.reason], [500, "InternalError"]);
    assert.doesNotMatch(JSON.stringify(broken.body), /secret internals|\.ts:/);
  } finally {
    await hh.close();
    await storage.close();
  }
});
