import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { parseSamples, sumOf } from "../../test/support/prom-text.ts";
import { waitFor } from "../../test/support/wait-for.ts";
import { RESOURCES } from "../api/resources.ts";
import type { KubeList, KubeObject, WatchEvent } from "../api/types.ts";
import { byLabel, byOwnerUid, LABEL_INDEX, labelIndexValue, OWNER_UID_INDEX } from "./index-funcs.ts";
import { Informer, type InformerSource } from "./informer.ts";
import { informersWaiting } from "./informer-metrics.ts";
import { ClientError, type ListQuery } from "./rest-client.ts";

const pods = RESOURCES.find((r) => r.resource === "pods")!;

function obj(name: string, rv: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { namespace: "ns", name, resourceVersion: rv }, ...extra };
}

/** One scripted watch stream: the test pushes events, ends it, or breaks it. */
class Stream {
  readonly query: ListQuery;
  #items: (WatchEvent | Error | "end")[] = [];
  #wake: (() => void) | undefined;
  constructor(query: ListQuery) {
    this.query = query;
  }
  push(item: WatchEvent | Error | "end"): void {
    this.#items.push(item);
    this.#wake?.();
  }
  async *events(signal: AbortSignal): AsyncGenerator<WatchEvent> {
    for (;;) {
      while (this.#items.length === 0) {
        if (signal.aborted) return;
        await new Promise<void>((r) => {
          this.#wake = r;
          signal.addEventListener("abort", () => r(), { once: true });
        });
      }
      const item = this.#items.shift()!;
      if (item === "end") return;
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

/** A fake of the RestClient's list + watch. */
class FakeSource {
  list: KubeList = { apiVersion: "v1", kind: "PodList", metadata: { resourceVersion: "1" }, items: [] };
  listCalls = 0;
  listFailures = 0;
  streams: Stream[] = [];
  watchError: Error | undefined;
  asSource(): InformerSource {
    return {
      list: async () => {
        this.listCalls++;
        if (this.listFailures > 0) {
          this.listFailures--;
          throw new ClientError({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: "down",
            code: 0,
          });
        }
        return structuredClone(this.list);
      },
      watch: (_info: unknown, _ns: unknown, query: ListQuery, signal: AbortSignal) => {
        const stream = new Stream(query);
        this.streams.push(stream);
        const err = this.watchError;
        this.watchError = undefined;
        if (err)
          return (async function* () {
            throw err;
          })();
        return stream.events(signal);
      },
    } as unknown as InformerSource;
  }
  get last(): Stream {
    const s = this.streams.at(-1);
    assert.ok(s, "a watch was started");
    return s;
  }
}

function record(informer: Informer<KubeObject>): string[] {
  const seen: string[] = [];
  informer.on("add", (o) => seen.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`));
  informer.on("update", (a, b) =>
    seen.push(`update ${a.metadata.name}@${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
  );
  informer.on("delete", (o) => seen.push(`delete ${o.metadata.name}`));
  return seen;
}

test("lists, syncs, then applies watch events from the list's resourceVersion", async (t) => {
  const fake = new FakeSource();
  fake.list.items = [obj("a", "5")];
  fake.list.metadata.resourceVersion = "7";
  const inf = new Informer<KubeObject>(fake.asSource(), pods);
  const seen = record(inf);
  const ac = new AbortController();
  t.after(() => ac.abort());
  assert.equal(inf.hasSynced(), false);
  inf.start(ac.signal);
  await inf.waitForSync();
  assert.equal(inf.hasSynced(), true);
  assert.equal(inf.get("ns", "a")?.metadata.resourceVersion, "5");
  await waitFor(() => fake.streams.length === 1);
  assert.equal(fake.last.query.resourceVersion, "7");
  fake.last.push({ type: "ADDED", object: obj("b", "8") });
  fake.last.push({ type: "MODIFIED", object: obj("a", "9") });
  fake.last.push({ type: "DELETED", object: obj("b", "10") });
  await waitFor(() => seen.length === 4);
  assert.deepEqual(seen, ["add a@5", "add b@8", "update a@5->9", "delete b"]);
  assert.deepEqual(
    inf.list().map((o) => o.metadata.name),
    ["a"],
  );
  assert.equal(inf.get("ns", "b"), undefined);
  ac.abort();
  await inf.stopped();
});

test("objects are cached without managedFields, from the list and from the watch", async (t) => {
  const managed = { managedFields: [{ manager: "kubectl", operation: "Update", fieldsV1: { "f:spec": {} } }] };
  const fake = new FakeSource();
  fake.list.items = [{ ...obj("a", "5"), metadata: { ...obj("a", "5").metadata, ...managed } }];
  const inf = new Informer<KubeObject>(fake.asSource(), pods);
  const ac = new AbortController();
  t.after(() => ac.abort());
  inf.start(ac.signal);
  await inf.waitForSync();
  assert.equal(inf.get("ns", "a")?.metadata.managedFields, undefined);
  assert.equal(inf.get("ns", "a")?.metadata.resourceVersion, "5");
  await waitFor(() => fake.streams.length === 1);
  fake.last.push({ type: "ADDED", object: { ...obj("b", "8"), metadata: { ...obj("b", "8").metadata, ...managed } } });
  await waitFor(() => inf.get("ns", "b") !== undefined);
  assert.equal(inf.get("ns", "b")?.metadata.managedFields, undefined);
  ac.abort();
  await inf.stopped();
});

test("an ERROR 410 event relists and diffs the cache against the new list", async (t) => {
  const fake = new FakeSource();
  fake.list.items = [obj("keep", "1"), obj("gone", "2"), obj("changed", "3")];
  fake.list.metadata.resourceVersion = "3";
  const inf = new Informer<KubeObject>(fake.asSource(), pods);
  const seen = record(inf);
  const ac = new AbortController();
  t.after(() => ac.abort());
  inf.start(ac.signal);
  await waitFor(() => fake.streams.length === 1);
  seen.length = 0;
  fake.list.items = [obj("keep", "1"), obj("changed", "20"), obj("new", "21")];
  fake.list.metadata.resourceVersion = "22";
  fake.last.push({ type: "ERROR", object: { kind: "Status", code: 410, message: "too old" } as unknown as KubeObject });
  await waitFor(() => fake.streams.length === 2);
  assert.equal(fake.listCalls, 2);
  assert.deepEqual(seen.sort(), ["add new@21", "delete gone", "update changed@3->20"]);
  assert.equal(fake.last.query.resourceVersion, "22");
  assert.deepEqual(
    inf
      .list()
      .map((o) => o.metadata.name)
      .sort(),
    ["changed", "keep", "new"],
  );
});

test("an HTTP 410 from the watch request relists at once", async (t) => {
  const fake = new FakeSource();
  const inf = new Informer<KubeObject>(fake.asSource(), pods, { baseBackoffMs: 60_000 });
  const ac = new AbortController();
  t.after(() => ac.abort());
  fake.watchError = new ClientError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "gone",
    reason: "Expired",
    code: 410,
  });
  inf.start(ac.signal);
  // Both watches exist only if the relist did not wait for the (60 s) error backoff.
  await waitFor(() => fake.streams.length === 2, { timeoutMs: 2000 });
  assert.equal(fake.listCalls, 2);
});

test("a cleanly ended stream resumes from the last seen resourceVersion, bookmarks included", async (t) => {
  const fake = new FakeSource();
  const inf = new Informer<KubeObject>(fake.asSource(), pods);
  const ac = new AbortController();
  t.after(() => ac.abort());
  inf.start(ac.signal);
  await waitFor(() => fake.streams.length === 1);
  fake.last.push({ type: "ADDED", object: obj("a", "4") });
  fake.last.push({ type: "BOOKMARK", object: { apiVersion: "v1", kind: "Pod", metadata: { resourceVersion: "9" } } });
  fake.last.push("end");
  await waitFor(() => fake.streams.length === 2);
  assert.equal(fake.last.query.resourceVersion, "9");
  assert.equal(fake.listCalls, 1, "no relist for a clean end");
  assert.equal(inf.list().length, 1, "a bookmark is not an object");
});

test("a broken stream or failing list is retried with backoff, then relisted", async (t) => {
  const fake = new FakeSource();
  fake.list.items = [obj("a", "1")];
  const inf = new Informer<KubeObject>(fake.asSource(), pods, { baseBackoffMs: 1, maxBackoffMs: 5 });
  const seen = record(inf);
  const ac = new AbortController();
  t.after(() => ac.abort());
  fake.listFailures = 2;
  inf.start(ac.signal);
  await inf.waitForSync();
  assert.equal(fake.listCalls, 3);
  await waitFor(() => fake.streams.length === 1);
  fake.list.items = [];
  fake.last.push(new TypeError("terminated"));
  await waitFor(() => fake.streams.length === 2);
  assert.equal(fake.listCalls, 4);
  assert.deepEqual(seen, ["add a@1", "delete a"]);
});

test("transform shapes what is cached and handed to handlers", async (t) => {
  const fake = new FakeSource();
  fake.list.items = [obj("a", "1", { spec: { big: "x".repeat(100) } })];
  const inf = new Informer<KubeObject>(fake.asSource(), pods, {
    transform: ({ spec: _spec, ...rest }) => rest,
  });
  const added: KubeObject[] = [];
  inf.on("add", (o) => added.push(o));
  const ac = new AbortController();
  t.after(() => ac.abort());
  inf.start(ac.signal);
  await inf.waitForSync();
  assert.equal(inf.get("ns", "a")?.spec, undefined);
  assert.equal(added[0]?.spec, undefined);
});

test("waitForSync rejects when its signal aborts before the first list", async () => {
  const fake = new FakeSource();
  const inf = new Informer<KubeObject>(fake.asSource(), pods);
  const ac = new AbortController();
  const wait = inf.waitForSync(ac.signal);
  ac.abort(new Error("stop"));
  await assert.rejects(wait, /stop/);
});

test("with a registry, kdns_informer_synced and kdns_informer_objects show the cache while it runs", async () => {
  const registry = new Registry();
  const fake = new FakeSource();
  fake.list.items = [obj("a", "1"), obj("b", "2")];
  fake.listFailures = 1;
  const inf = new Informer<KubeObject>(fake.asSource(), pods, {
    baseBackoffMs: 1,
    metrics: { registry, component: "controllers" },
  });
  const ac = new AbortController();
  const labels = { component: "controllers", resource: "pods" };
  inf.start(ac.signal);
  let s = parseSamples(await registry.metrics());
  assert.equal(sumOf(s, "kdns_informer_synced", labels), 0);
  assert.deepEqual(informersWaiting(registry, "controllers"), ["pods (0 listed)"]);
  assert.deepEqual(informersWaiting(registry, "dns"), []);
  await inf.waitForSync();
  assert.deepEqual(informersWaiting(registry, "controllers"), []);
  await waitFor(() => fake.streams.length === 1);
  fake.last.push({ type: "ADDED", object: obj("c", "3") });
  await waitFor(() => inf.list().length === 3);
  s = parseSamples(await registry.metrics());
  assert.equal(sumOf(s, "kdns_informer_synced", labels), 1);
  assert.equal(sumOf(s, "kdns_informer_objects", labels), 3);
  ac.abort();
  await inf.stopped();
  s = parseSamples(await registry.metrics());
  assert.equal(s.filter((x) => x.name.startsWith("kdns_informer_")).length, 0, "a stopped informer leaves");
});

test("indexes follow adds, updates, deletes and relists; byNamespace reads one namespace", async (t) => {
  const fake = new FakeSource();
  const labelled = (name: string, rv: string, labels: Record<string, string>, owner?: string): KubeObject => ({
    ...obj(name, rv),
    metadata: {
      namespace: "ns",
      name,
      resourceVersion: rv,
      labels,
      ...(owner ? { ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "s", uid: owner }] } : {}),
    },
  });
  fake.list.items = [labelled("a", "1", { app: "x" }, "u1"), labelled("b", "2", { app: "y" })];
  const inf = new Informer<KubeObject>(fake.asSource(), pods);
  inf.addIndex(LABEL_INDEX, byLabel);
  inf.addIndex(OWNER_UID_INDEX, byOwnerUid);
  const names = (index: string, value: string): string[] =>
    inf
      .byIndex(index, value)
      .map((f) => f.name)
      .sort();
  const ac = new AbortController();
  t.after(() => ac.abort());
  inf.start(ac.signal);
  assert.throws(() => inf.addIndex("late", () => []), /after start/);
  await inf.waitForSync();
  assert.deepEqual(names(LABEL_INDEX, labelIndexValue("ns", "app", "x")), ["a"]);
  assert.deepEqual(names(OWNER_UID_INDEX, "u1"), ["a"]);
  await waitFor(() => fake.streams.length === 1);
  fake.last.push({ type: "MODIFIED", object: labelled("b", "3", { app: "x" }, "u1") });
  fake.last.push({ type: "DELETED", object: labelled("a", "4", { app: "x" }) });
  await waitFor(() => inf.get("ns", "a") === undefined);
  assert.deepEqual(names(LABEL_INDEX, labelIndexValue("ns", "app", "x")), ["b"]);
  assert.deepEqual(names(LABEL_INDEX, labelIndexValue("ns", "app", "y")), [], "the old label value lets go of b");
  assert.deepEqual(names(OWNER_UID_INDEX, "u1"), ["b"]);
  assert.deepEqual(
    inf.byNamespace("ns").map((f) => f.name),
    ["b"],
  );
  assert.deepEqual(inf.byNamespace("other"), []);
  fake.list.items = [];
  fake.list.metadata.resourceVersion = "9";
  fake.last.push({ type: "ERROR", object: { code: 410 } as unknown as KubeObject });
  await waitFor(() => inf.size === 0);
  assert.deepEqual(names(LABEL_INDEX, labelIndexValue("ns", "app", "x")), [], "a relist drops what it no longer lists");
  assert.throws(() => inf.byIndex("nope", "x"), /no index named "nope"/);
  ac.abort();
  await inf.stopped();
});
