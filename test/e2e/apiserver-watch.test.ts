/** End-to-end: watch streaming from a revision, from 0, bookmarks, selectors, timeouts and 410. */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openStorage, type Storage } from "../../src/storage/index.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Harness, readEvents, startHarness } from "./apiserver-harness.ts";

let h: Harness;
before(async () => {
  h = await startHarness({ bookmarkIntervalMs: 50 });
  await h.call("POST", "/api/v1/namespaces", { metadata: { name: "w" } });
});
after(async () => {
  await h.close();
});

const EP = "/api/v1/namespaces/w/endpoints";

function watch(path: string, signal: AbortSignal): Promise<Response> {
  return fetch(h.url + path, { signal });
}

test("watch from a resourceVersion sends every later change in order", async () => {
  const a = (await h.call("POST", EP, { metadata: { name: "a" } })).body;
  const ac = new AbortController();
  const res = await watch(`${EP}?watch=true&resourceVersion=${a.metadata.resourceVersion}`, ac.signal);
  assert.equal(res.status, 200);
  await h.call("POST", EP, { metadata: { name: "b" } });
  await h.call(
    "PATCH",
    `${EP}/a`,
    { metadata: { labels: { x: "1" } } },
    { "content-type": "application/merge-patch+json" },
  );
  const del = (await h.call("DELETE", `${EP}/b`)).body;
  const events = await readEvents(res, (e) => e.length >= 3);
  ac.abort();
  assert.deepEqual(
    events.map((e) => [e.type, e.object.metadata.name]),
    [
      ["ADDED", "b"],
      ["MODIFIED", "a"],
      ["DELETED", "b"],
    ],
  );
  assert.equal(events[1].object.metadata.labels.x, "1");
  assert.equal(events[2].object.metadata.resourceVersion, del.metadata.resourceVersion);
  const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
  assert.deepEqual(
    [...rvs].sort((x, y) => x - y),
    rvs,
  );
});

test("watch without a resourceVersion starts with ADDED for current objects (all namespaces too)", async () => {
  await h.call("POST", EP, { metadata: { name: "c0" } });
  const ac = new AbortController();
  const res = await watch(`/api/v1/endpoints?watch=1&fieldSelector=metadata.namespace%3Dw`, ac.signal);
  const first = await readEvents(res, (e) => e.some((x) => x.object.metadata.name === "c0"));
  ac.abort();
  assert.ok(first.every((e) => e.type === "ADDED" && e.object.metadata.namespace === "w"));
  const ac2 = new AbortController();
  const res2 = await watch(`${EP}?watch=true&resourceVersion=0`, ac2.signal);
  const initial = await readEvents(res2, (e) => e.some((x) => x.object.metadata.name === "c0"));
  ac2.abort();
  assert.ok(initial.some((e) => e.type === "ADDED" && e.object.metadata.name === "c0"));
});

test("label selectors turn objects leaving or entering the selection into DELETED/ADDED", async () => {
  const rv = (await h.call("POST", EP, { metadata: { name: "sel", labels: { tier: "front" } } })).body.metadata
    .resourceVersion;
  const ac = new AbortController();
  const res = await watch(`${EP}?watch=true&resourceVersion=${rv}&labelSelector=tier%3Dfront`, ac.signal);
  const mp = { "content-type": "application/merge-patch+json" };
  await h.call("POST", EP, { metadata: { name: "other", labels: { tier: "back" } } });
  await h.call("PATCH", `${EP}/sel`, { metadata: { labels: { tier: "back" } } }, mp);
  await h.call("PATCH", `${EP}/other`, { metadata: { labels: { tier: "front" } } }, mp);
  await h.call("PATCH", `${EP}/other`, { metadata: { annotations: { n: "1" } } }, mp);
  const events = await readEvents(res, (e) => e.length >= 3);
  ac.abort();
  assert.deepEqual(
    events.map((e) => [e.type, e.object.metadata.name]),
    [
      ["DELETED", "sel"],
      ["ADDED", "other"],
      ["MODIFIED", "other"],
    ],
  );
});

test("bookmarks carry only kind, apiVersion and the resourceVersion", async () => {
  const ac = new AbortController();
  const res = await watch(
    `${EP}?watch=true&allowWatchBookmarks=true&resourceVersion=1&labelSelector=none%3Dnone`,
    ac.signal,
  );
  const events = await readEvents(res, (e) => e.some((x) => x.type === "BOOKMARK"));
  ac.abort();
  const bm = events.find((e) => e.type === "BOOKMARK");
  assert.deepEqual(Object.keys(bm.object).sort(), ["apiVersion", "kind", "metadata"]);
  assert.equal(bm.object.kind, "Endpoints");
  assert.deepEqual(Object.keys(bm.object.metadata), ["resourceVersion"]);
  assert.ok(Number(bm.object.metadata.resourceVersion) >= 1);
});

test("timeoutSeconds ends the stream", async () => {
  const started = Date.now();
  const res = await fetch(`${h.url}${EP}?watch=true&timeoutSeconds=1&resourceVersion=0`);
  await res.text();
  assert.ok(Date.now() - started < 5000);
});

test("a closed client connection stops the storage watch", async () => {
  let active = 0;
  const storage = await openStorage({ type: "memory", dataDir: "/nonexistent" });
  const counting: Storage = {
    get: (k) => storage.get(k),
    list: (p, o) => storage.list(p, o),
    create: (k, v) => storage.create(k, v),
    update: (k, v, r) => storage.update(k, v, r),
    delete: (k, r) => storage.delete(k, r),
    revision: () => storage.revision(),
    healthy: () => storage.healthy(),
    close: () => storage.close(),
    async *watch(prefix, rev, opts) {
      active++;
      try {
        yield* storage.watch(prefix, rev, opts);
      } finally {
        active--;
      }
    },
  };
  // Without the watch cache, whose own watches would otherwise answer this one from memory.
  const hh = await startHarness({ storage: counting, watchCache: false });
  try {
    const ac = new AbortController();
    const res = await fetch(`${hh.url}/api/v1/namespaces?watch=true`, { signal: ac.signal });
    await readEvents(res, (e) => e.length >= 3);
    await waitFor(() => active === 1, { what: "the storage watch to start" });
    ac.abort();
    await waitFor(() => active === 0, { what: "the storage watch to end" });
  } finally {
    await hh.close();
    await storage.close();
  }
});

test("a too-old resourceVersion ends with an ERROR event: 410 Expired", async () => {
  const storage = await openStorage({ type: "memory", dataDir: "/nonexistent", historyWindow: 3 });
  const hh = await startHarness({ storage });
  try {
    await hh.call("POST", "/api/v1/namespaces", { metadata: { name: "old" } });
    for (let i = 0; i < 10; i++)
      await hh.call("POST", "/api/v1/namespaces/old/endpoints", { metadata: { name: `e${i}` } });
    const res = await fetch(`${hh.url}/api/v1/namespaces/old/endpoints?watch=true&resourceVersion=1`);
    assert.equal(res.status, 200);
    const events = await readEvents(res, () => false);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, "ERROR");
    assert.equal(events[0].object.kind, "Status");
    assert.equal(events[0].object.code, 410);
    assert.equal(events[0].object.reason, "Expired");
    assert.match(events[0].object.message, /^too old resource version: 1 \(\d+\)$/);
  } finally {
    await hh.close();
    await storage.close();
  }
});

test("watch=True (the Python client's spelling) watches; watch=False lists; a non-boolean is a 400", async () => {
  await h.call("POST", EP, { metadata: { name: "py" } });
  const ac = new AbortController();
  const res = await watch(`${EP}?watch=True&allowWatchBookmarks=True`, ac.signal);
  assert.equal(res.headers.get("transfer-encoding"), "chunked");
  const events = await readEvents(res, (e) => e.some((x) => x.object.metadata.name === "py"));
  ac.abort();
  assert.ok(events.some((e) => e.type === "ADDED" && e.object.metadata.name === "py"));
  const list = await h.call("GET", `${EP}?watch=False`);
  assert.equal(list.body.kind, "EndpointsList");
  for (const bad of ["watch=yes", "watch=", "allowWatchBookmarks=maybe&watch=true", "pretty=on"]) {
    const res = await h.call("GET", `${EP}?${bad}`);
    assert.equal(res.status, 400, bad);
    assert.equal(res.body.kind, "Status");
    assert.match(res.body.message, /is not a boolean/);
  }
});

test("sendInitialEvents=true: current objects, a BOOKMARK ending them, then changes; false: changes only", async () => {
  await h.call("POST", EP, { metadata: { name: "init" } });
  const ac = new AbortController();
  const res = await watch(
    `${EP}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    ac.signal,
  );
  const events = await readEvents(res, (e) => e.some((x) => x.type === "BOOKMARK"));
  ac.abort();
  const end = events.findIndex((e) => e.type === "BOOKMARK");
  assert.ok(events.slice(0, end).some((e) => e.type === "ADDED" && e.object.metadata.name === "init"));
  assert.deepEqual(events[end].object.metadata.annotations, { "k8s.io/initial-events-end": "true" });

  const ac2 = new AbortController();
  const res2 = await watch(
    `${EP}?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=0`,
    ac2.signal,
  );
  await h.call("POST", EP, { metadata: { name: "after-init" } });
  const later = await readEvents(res2, (e) => e.length >= 1);
  ac2.abort();
  assert.deepEqual(
    later.map((e) => [e.type, e.object.metadata.name]),
    [["ADDED", "after-init"]],
  );
  const bad = await h.call("GET", `${EP}?sendInitialEvents=true`);
  assert.equal(bad.status, 422);
  assert.equal(
    bad.body.message,
    'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
  );
});

test("watch options kube-apiserver refuses are 422 on ListOptions; sendInitialEvents without bookmarks gets no end BOOKMARK", async () => {
  const base = `${EP}?watch=1&allowWatchBookmarks=true&sendInitialEvents=true`;
  const cases: [string, string][] = [
    [
      `${base}&resourceVersionMatch=Exact`,
      'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
    ],
    [
      base,
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    ],
    [
      `${base}&resourceVersionMatch=NotOlderThan&continue=abc`,
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
    ],
  ];
  for (const [path, message] of cases) {
    const res = await h.call("GET", path);
    assert.equal(res.status, 422, path);
    assert.equal(res.body.kind, "Status");
    assert.equal(res.body.reason, "Invalid");
    assert.equal(res.body.details.kind, "ListOptions");
    assert.equal(res.body.message, message, path);
  }

  await h.call("POST", EP, { metadata: { name: "no-bookmarks" } });
  const ac = new AbortController();
  const res = await watch(`${EP}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`, ac.signal);
  assert.equal(res.status, 200);
  const read = readEvents(res, (e) => e.some((x) => x.object?.metadata?.name === "after-no-bookmarks"));
  await h.call("POST", EP, { metadata: { name: "after-no-bookmarks" } });
  const events = await read;
  ac.abort();
  assert.ok(events.some((e) => e.type === "ADDED" && e.object.metadata.name === "no-bookmarks"));
  assert.deepEqual(
    events.filter((e) => e.type === "BOOKMARK"),
    [],
    "no BOOKMARK to a client that did not ask for them",
  );
});

test("pretty=true indents the JSON", async () => {
  const res = await fetch(`${h.url}/api/v1/namespaces/w?pretty=true`);
  assert.match(await res.text(), /^\{\n {2}"apiVersion": "v1",\n {2}"kind": "Namespace",\n/);
});
