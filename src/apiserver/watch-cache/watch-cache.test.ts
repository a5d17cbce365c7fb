import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { waitFor } from "../../../test/support/wait-for.ts";
import { storageConformance } from "../../storage/conformance.ts";
import { EmbeddedStorage } from "../../storage/embedded/embedded-storage.ts";
import { MemoryStorage } from "../../storage/memory/memory-storage.ts";
import { CompactedError, type ListOptions, type Storage, type StorageEvent } from "../../storage/storage.ts";
import { WatchCache } from "./watch-cache.ts";

const historyWindow = 200;

async function readyCache(store: Storage, options: ConstructorParameters<typeof WatchCache>[1] = {}) {
  const cache = new WatchCache(store, options);
  cache.start();
  await waitFor(() => cache.ready(), { what: "the watch cache loaded" });
  return cache;
}

// The cache must be indistinguishable from the store behind it.
storageConformance("memory behind the watch cache", async () => {
  const store = new MemoryStorage({ historyWindow });
  const cache = await readyCache(store, { historySize: historyWindow / 2 });
  return {
    storage: cache,
    compact: async () => {
      for (let i = 0; i < 2 * historyWindow; i++) await store.create(`zz-filler/${i}`, "");
    },
    cleanup: () => cache.close(),
  };
});

// The same behind the embedded store, whose texts the cache does not hold but reads back.
storageConformance("embedded behind the watch cache", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-watch-cache-"));
  const store = await EmbeddedStorage.open(dir, { historyWindow });
  const cache = await readyCache(store, { historySize: historyWindow / 2 });
  return {
    storage: cache,
    compact: async () => {
      for (let i = 0; i < 2 * historyWindow; i++) await store.create(`zz-filler/${i}`, "");
    },
    cleanup: async () => {
      await cache.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

/** A store that counts the reads that reach it. */
function counted(store: MemoryStorage): { store: Storage; lists: ListOptions[]; watches: number[] } {
  const lists: ListOptions[] = [];
  const watches: number[] = [];
  const wrapped: Storage = {
    get: (key) => store.get(key),
    list: (prefix, options = {}) => {
      lists.push(options);
      return store.list(prefix, options);
    },
    create: (key, value) => store.create(key, value),
    update: (key, value, rev) => store.update(key, value, rev),
    delete: (key, rev) => store.delete(key, rev),
    watch: (prefix, after, options) => {
      watches.push(after);
      return store.watch(prefix, after, options);
    },
    revision: () => store.revision(),
    healthy: () => store.healthy(),
    close: () => store.close(),
  };
  return { store: wrapped, lists, watches };
}

test("lists are served from memory, consistent with the writes before them, and paged over one snapshot", async (t) => {
  const memory = new MemoryStorage();
  for (let i = 0; i < 50; i++) await memory.create(`core/pods/ns/p${String(i).padStart(2, "0")}`, `{"i":${i}}`);
  const { store, lists } = counted(memory);
  const cache = await readyCache(store);
  t.after(() => cache.close());
  const loads = lists.length;

  const created = await cache.create("core/pods/ns/p50", "{}");
  assert.equal(created.type, "ok");
  const first = await cache.list("core/pods/ns/", { limit: 20 });
  assert.equal(first.items.length, 20);
  assert.ok(first.more);
  assert.ok(first.revision >= (created.type === "ok" ? created.kv.modRevision : 0), "the list saw the write before it");
  await cache.delete("core/pods/ns/p30");
  await cache.create("core/pods/ns/p25a", "{}");
  const second = await cache.list("core/pods/ns/", {
    limit: 100,
    startAfter: first.items.at(-1)!.key,
    revision: first.revision,
  });
  assert.equal(second.revision, first.revision);
  assert.deepEqual(
    [...first.items, ...second.items].map((kv) => kv.key.slice("core/pods/ns/".length)),
    Array.from({ length: 51 }, (_, i) => `p${String(i).padStart(2, "0")}`),
    "every page reads the first page's revision: no later create, no later delete",
  );
  const now = await cache.list("core/pods/ns/");
  assert.equal(now.items.length, 51);
  assert.ok(now.items.some((kv) => kv.key === "core/pods/ns/p25a"));
  assert.ok(!now.items.some((kv) => kv.key === "core/pods/ns/p30"));
  assert.equal(lists.length, loads, "no list reached the store after the cache loaded");
  assert.equal(cache.count("core/pods/"), 51, "a resource is counted from memory");
  assert.equal(cache.count("core/pods/ns/"), undefined, "only whole resources are counted");
  assert.deepEqual((await cache.list("core/services/")).items, []);
});

test("a watch from a recent revision starts from memory; one from before the cache's history goes to the store", async (t) => {
  const memory = new MemoryStorage();
  const early = await memory.create("core/services/ns/a", "1");
  const { store, watches } = counted(memory);
  const cache = await readyCache(store, { historySize: 5 });
  t.after(() => cache.close());
  const storeWatches = watches.length;
  const revs: number[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await cache.create(`core/services/ns/s${i}`, String(i));
    assert.equal(r.type, "ok");
    if (r.type === "ok") revs.push(r.kv.modRevision);
  }
  await waitFor(async () => (await cache.list("core/services/ns/")).items.length === 9);

  const read = async (after: number, count: number): Promise<StorageEvent[]> => {
    const ac = new AbortController();
    const out: StorageEvent[] = [];
    for await (const ev of cache.watch("core/services/", after, { signal: ac.signal })) {
      out.push(ev);
      if (out.length === count) ac.abort();
    }
    return out;
  };
  const recent = await read(revs[4]!, 3);
  assert.deepEqual(
    recent.map((e) => e.revision),
    revs.slice(5),
  );
  assert.equal(watches.length, storeWatches, "served from the cache's history");
  const old = await read(early.type === "ok" ? early.kv.modRevision : 0, 8);
  assert.deepEqual(
    old.map((e) => e.revision),
    revs,
  );
  assert.equal(watches.length, storeWatches + 1, "too old for the cache: the store replays it");
});

test("a list arriving while the cache loads waits for it; a store that fails is not waited for", async (t) => {
  const memory = new MemoryStorage();
  for (let i = 0; i < 20; i++) await memory.create(`core/pods/ns/p${i}`, "{}");
  const { store, lists } = counted(memory);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const slow: Storage = {
    ...store,
    list: async (prefix, options) => {
      if (prefix === "") await gate;
      return store.list(prefix, options);
    },
  };
  const cache = new WatchCache(slow, { loadPageSize: 5 });
  cache.start();
  t.after(() => cache.close());
  const waiting = cache.list("core/pods/ns/");
  release();
  assert.equal((await waiting).items.length, 20);
  assert.ok(cache.ready());
  assert.ok(
    lists.every((o) => o.limit === 5),
    "only the cache's own pages reached the store: the list waited for the load",
  );

  const down: Storage = {
    ...store,
    list: async (prefix, options) => {
      if (prefix === "") throw new Error("store down");
      return store.list(prefix, options);
    },
  };
  const failing = new WatchCache(down);
  failing.start();
  t.after(() => failing.close());
  const started = Date.now();
  assert.equal((await failing.list("core/pods/ns/")).items.length, 20, "answered by the store");
  assert.ok(Date.now() - started < 1_000, "without waiting for a load that failed");
});

test("writes between the pages of the cache's load are replayed: the loaded cache equals the store", async (t) => {
  const memory = new MemoryStorage();
  const key = (i: number): string => `core/pods/ns/p${String(i).padStart(2, "0")}`;
  for (let i = 0; i < 30; i++) await memory.create(key(i), `v${i}`);
  let pages = 0;
  const busy: Storage = {
    ...counted(memory).store,
    list: async (prefix, options) => {
      const page = await memory.list(prefix, options);
      if (prefix !== "") return page;
      // After each page: change keys already read and keys still to come.
      pages++;
      const a = await memory.get(key(pages));
      if (a) await memory.update(a.key, `${a.value}+`, a.modRevision);
      await memory.delete(key(29 - pages));
      await memory.create(`${key(pages)}-new`, "n");
      return page;
    },
  };
  const cache = await readyCache(busy, { loadPageSize: 10 });
  t.after(() => cache.close());
  assert.ok(pages >= 3, "the load took several pages");
  const fromCache = await cache.list("core/pods/ns/");
  const fromStore = await memory.list("core/pods/ns/");
  assert.deepEqual(
    fromCache.items.map((kv) => [kv.key, kv.value, kv.modRevision]),
    fromStore.items.map((kv) => [kv.key, kv.value, kv.modRevision]),
  );
});

test("the history holds each version once and within its byte bound; older watch starts replay from the store", async (t) => {
  const memory = new MemoryStorage();
  const { store, watches } = counted(memory);
  // As the embedded store does: every event decoded afresh, its previous value a copy of its own.
  const decoding: Storage = {
    ...store,
    watch: async function* (prefix, after, options) {
      for await (const ev of store.watch(prefix, after, options)) yield structuredClone(ev);
    },
  };
  const cache = await readyCache(decoding, { historyBytes: 3_000 });
  t.after(() => cache.close());
  const created = await cache.create("core/configmaps/ns/a", "a".repeat(1_000));
  assert.equal(created.type, "ok");
  const v1 = created.type === "ok" ? created.kv.modRevision : 0;
  await waitFor(async () => (await cache.list("core/configmaps/ns/")).items.length === 1);
  const listed = (await cache.list("core/configmaps/ns/")).items[0]!;
  const updated = await cache.update("core/configmaps/ns/a", "b".repeat(1_000), v1);
  assert.equal(updated.type, "ok");
  const v2 = updated.type === "ok" ? updated.kv.modRevision : 0;
  await waitFor(async () => (await cache.list("core/configmaps/ns/")).items[0]?.modRevision === v2);

  const read = async (after: number, count: number): Promise<StorageEvent[]> => {
    const ac = new AbortController();
    const out: StorageEvent[] = [];
    for await (const ev of cache.watch("core/configmaps/", after, { signal: ac.signal })) {
      out.push(ev);
      if (out.length === count) ac.abort();
    }
    return out;
  };
  const storeWatches = watches.length;
  const [update] = await read(v1, 1);
  assert.equal(watches.length, storeWatches, "served from the cache's history");
  assert.equal(
    update?.type === "put" ? update.prev : undefined,
    listed,
    "the event's previous value is the listed object itself",
  );

  // Three more versions of 1,000 bytes: the first two events no longer fit in 3,000 bytes.
  let rev = v2;
  for (const fill of ["c", "d", "e"]) {
    const r = await cache.update("core/configmaps/ns/a", fill.repeat(1_000), rev);
    assert.equal(r.type, "ok");
    rev = r.type === "ok" ? r.kv.modRevision : 0;
  }
  await waitFor(async () => (await cache.list("core/configmaps/ns/")).items[0]?.modRevision === rev);
  const replayed = await read(v1 - 1, 5);
  assert.deepEqual(
    replayed.map((e) => (e.type === "put" ? e.kv.value[0] : "")),
    ["a", "b", "c", "d", "e"],
  );
  assert.equal(watches.length, storeWatches + 1, "beyond the byte bound: the store replays it");
  const recent = await read(v2, 3);
  assert.deepEqual(
    recent.map((e) => (e.type === "put" ? e.kv.value[0] : "")),
    ["c", "d", "e"],
  );
  assert.equal(watches.length, storeWatches + 1, "the newest events are still in memory");
});

test("behind the embedded store, pages of one snapshot read the versions it saw back from the store's changes", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-watch-cache-"));
  const store = await EmbeddedStorage.open(dir, { historyWindow: 50 });
  const reads: number[] = [];
  const readVersions = store.readVersions.bind(store);
  store.readVersions = (keys, revisions, at) => {
    reads.push(keys.length);
    return readVersions(keys, revisions, at);
  };
  const cache = await readyCache(store);
  t.after(async () => {
    await cache.close();
    await rm(dir, { recursive: true, force: true });
  });
  const key = (i: number): string => `core/pods/ns/p${String(i).padStart(2, "0")}`;
  for (let i = 0; i < 20; i++) await cache.create(key(i), `{"v":${i}}`);
  const first = await cache.list("core/pods/ns/", { limit: 10 });
  assert.deepEqual(reads, [10], "only the page's texts were read");
  // Change every key of the second page: updated, deleted, updated twice.
  for (let i = 10; i < 20; i++) {
    const kv = (await store.get(key(i)))!;
    if (i % 3 === 0) await cache.delete(kv.key);
    else {
      const once = await cache.update(kv.key, `{"v":"new"}`, kv.modRevision);
      if (i % 3 === 1 && once.type === "ok") await cache.update(kv.key, `{"v":"newer"}`, once.kv.modRevision);
    }
  }
  const second = await cache.list("core/pods/ns/", { limit: 10, startAfter: key(9), revision: first.revision });
  assert.deepEqual(
    second.items.map((kv) => kv.value),
    Array.from({ length: 10 }, (_, i) => `{"v":${i + 10}}`),
    "the second page shows the first page's revision",
  );
  // Enough writes to compact the history the snapshot needs: its next page is gone (410), as from the store.
  for (let i = 0; i < 60; i++) await cache.create(`core/configmaps/ns/c${i}`, "{}");
  await assert.rejects(
    cache.list("core/pods/ns/", { limit: 5, startAfter: key(9), revision: first.revision }),
    CompactedError,
  );
  const now = await cache.list("core/pods/ns/");
  assert.deepEqual(
    now.items.map((kv) => [kv.key, kv.value]),
    (await store.list("core/pods/ns/")).items.map((kv) => [kv.key, kv.value]),
    "a current list reads the current texts",
  );
});

test("behind the embedded store, an event's previous value is the version the event before it brought", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-watch-cache-"));
  const store = await EmbeddedStorage.open(dir);
  const cache = await readyCache(store);
  t.after(async () => {
    await cache.close();
    await rm(dir, { recursive: true, force: true });
  });
  const start = await store.revision();
  let rev = 0;
  for (const value of ["a", "b", "c"]) {
    const r =
      rev === 0
        ? await cache.create("core/configmaps/ns/x", value)
        : await cache.update("core/configmaps/ns/x", value, rev);
    assert.equal(r.type, "ok");
    rev = r.type === "ok" ? r.kv.modRevision : 0;
  }
  await cache.delete("core/configmaps/ns/x");
  const ac = new AbortController();
  const events: StorageEvent[] = [];
  for await (const ev of cache.watch("core/configmaps/", start, { signal: ac.signal })) {
    events.push(ev);
    if (events.length === 4) ac.abort();
  }
  const [created, b, c, deleted] = events;
  assert.ok(created?.type === "put" && b?.type === "put" && c?.type === "put" && deleted?.type === "delete");
  assert.equal(b.prev, created.kv, "one copy of version a");
  assert.equal(c.prev, b.kv, "one copy of version b");
  assert.equal(deleted.prev, c.kv, "the delete's last state is version c itself");
});

test("behind the embedded store, the cache loads keys and revisions page by page and lists what the store lists", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-watch-cache-"));
  const store = await EmbeddedStorage.open(dir);
  for (let i = 0; i < 25; i++) await store.create(`core/pods/ns/p${String(i).padStart(2, "0")}`, `{"i":${i}}`);
  await store.update("core/pods/ns/p03", '{"i":"3b"}', (await store.get("core/pods/ns/p03"))!.modRevision);
  await store.delete("core/pods/ns/p04");
  const pages: number[] = [];
  const listRevisions = store.listRevisions.bind(store);
  store.listRevisions = (prefix, options) => {
    const page = listRevisions(prefix, options);
    pages.push(page.items.length);
    return page;
  };
  const cache = await readyCache(store, { loadPageSize: 10 });
  t.after(async () => {
    await cache.close();
    await rm(dir, { recursive: true, force: true });
  });
  assert.deepEqual(pages, [10, 10, 4]);
  const fromCache = await cache.list("core/pods/ns/");
  const fromStore = await store.list("core/pods/ns/");
  assert.deepEqual(fromCache, fromStore);
});
