import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { open } from "lmdb";
import { type KeyValue, type StorageEvent, StorageUnavailableError } from "../storage.ts";
import { EmbeddedStorage } from "./embedded-storage.ts";
import { appendChange, openDatabases } from "./format.ts";
import { encodeEvent } from "./record-codec.ts";

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kdns-format-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes a store as format 1 did (lmdb-js JSON of each `KeyValue` in `kv`, of each event in `log`,
 * revision counters in `meta`): rev 1 creates a, 2 creates b, 3 updates a, 4 deletes b.
 */
async function writeFormat1(dir: string): Promise<void> {
  const root = open({ path: dir, maxDbs: 4 });
  const kv = root.openDB<KeyValue, string>("kv", { encoding: "json" });
  const log = root.openDB<StorageEvent, number>("log", { encoding: "json" });
  const meta = root.openDB<number, string>("meta", { encoding: "json" });
  const a1 = { key: "p/a", value: '{"v":"a1 ü"}', createRevision: 1, modRevision: 1 };
  const b2 = { key: "p/b", value: '{"v":"b2"}', createRevision: 2, modRevision: 2 };
  const a3 = { ...a1, value: '{"v":"a3"}', modRevision: 3 };
  await root.transaction(() => {
    kv.putSync("p/a", a3);
    log.putSync(1, { type: "put", revision: 1, kv: a1 });
    log.putSync(2, { type: "put", revision: 2, kv: b2 });
    log.putSync(3, { type: "put", revision: 3, kv: a3, prev: a1 });
    log.putSync(4, { type: "delete", revision: 4, key: "p/b", prev: b2 });
    meta.putSync("revision", 4);
  });
  await root.close();
}

async function watchAll(storage: EmbeddedStorage, after: number, count: number): Promise<StorageEvent[]> {
  const ac = new AbortController();
  const seen: StorageEvent[] = [];
  for await (const event of storage.watch("p/", after, { signal: ac.signal })) {
    seen.push(event);
    if (seen.length === count) ac.abort();
  }
  return seen;
}

test("a format 1 store is upgraded on open: objects, history and revision all kept", async (t) => {
  const dir = await tempDir(t);
  await writeFormat1(dir);
  const storage = await EmbeddedStorage.open(dir);
  try {
    assert.equal(await storage.revision(), 4);
    assert.deepEqual(await storage.get("p/a"), { key: "p/a", value: '{"v":"a3"}', createRevision: 1, modRevision: 3 });
    assert.equal(await storage.get("p/b"), undefined);
    const past = await storage.list("p/", { revision: 2 });
    assert.deepEqual(
      past.items.map((kv) => [kv.key, kv.value]),
      [
        ["p/a", '{"v":"a1 ü"}'],
        ["p/b", '{"v":"b2"}'],
      ],
    );
    const events = await watchAll(storage, 0, 4);
    assert.deepEqual(
      events.map((e) => [e.type, e.revision, e.prev?.value]),
      [
        ["put", 1, undefined],
        ["put", 2, undefined],
        ["put", 3, '{"v":"a1 ü"}'],
        ["delete", 4, '{"v":"b2"}'],
      ],
      "a watch from before the upgrade replays every change, the delete with the last state",
    );
    const next = await storage.update("p/a", '{"v":"a5"}', 3);
    assert.equal(next.type === "ok" ? next.kv.modRevision : 0, 5);
  } finally {
    await storage.close();
  }
  const again = await EmbeddedStorage.open(dir);
  try {
    assert.equal((await again.get("p/a"))?.value, '{"v":"a5"}', "the upgraded store reopens as format 2");
    const [update, del] = await watchAll(again, 2, 3);
    assert.equal(update?.prev?.value, '{"v":"a1 ü"}');
    assert.deepEqual(del, {
      type: "delete",
      revision: 4,
      key: "p/b",
      prev: { key: "p/b", value: '{"v":"b2"}', createRevision: 2, modRevision: 2 },
    });
  } finally {
    await again.close();
  }
});

test("a format 1 store larger than one upgrade transaction is upgraded whole", async (t) => {
  const dir = await tempDir(t);
  const root = open({ path: dir, maxDbs: 4 });
  const kv = root.openDB<KeyValue, string>("kv", { encoding: "json" });
  const meta = root.openDB<number, string>("meta", { encoding: "json" });
  const count = 12_345;
  await root.transaction(() => {
    for (let i = 1; i <= count; i++)
      kv.putSync(`p/${i}`, { key: `p/${i}`, value: `{"i":${i}}`, createRevision: i, modRevision: i });
    meta.putSync("revision", count);
  });
  await root.close();
  const storage = await EmbeddedStorage.open(dir);
  try {
    const all = await storage.list("p/");
    assert.equal(all.items.length, count);
    assert.deepEqual(await storage.get("p/12345"), {
      key: "p/12345",
      value: '{"i":12345}',
      createRevision: count,
      modRevision: count,
    });
  } finally {
    await storage.close();
  }
});

test("a store of a newer format is refused with one line saying what to do", async (t) => {
  const dir = await tempDir(t);
  const root = open({ path: dir, maxDbs: 4 });
  await root.openDB<number, string>("meta", { encoding: "json" }).put("format", 99);
  await root.close();
  await assert.rejects(
    EmbeddedStorage.open(dir),
    (err: unknown) =>
      err instanceof StorageUnavailableError &&
      /has format 99, which this kdns \(format 2\) cannot read: run the kdns that wrote it/.test(err.message) &&
      !err.message.includes("\n"),
  );
});

test("records are compressed: 2,000 pods take less room than their text", async (t) => {
  const dir = await tempDir(t);
  const storage = await EmbeddedStorage.open(dir);
  let text = 0;
  try {
    for (let i = 0; i < 2_000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => {
          const name = `pod-${i + j}`;
          // A pod as the API server stores one (about 1.1 KB), with its own uid and address.
          const value = JSON.stringify({
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
              namespace: "default",
              name,
              labels: { app: "web" },
              uid: crypto.randomUUID(),
              creationTimestamp: new Date().toISOString(),
              managedFields: [
                {
                  manager: "kubectl",
                  operation: "Update",
                  apiVersion: "v1",
                  time: new Date().toISOString(),
                  fieldsType: "FieldsV1",
                  fieldsV1: {
                    "f:metadata": { "f:labels": { "f:app": {} } },
                    "f:spec": { "f:containers": { 'k:{"name":"c"}': { ".": {}, "f:name": {}, "f:image": {} } } },
                  },
                },
              ],
            },
            spec: { containers: [{ name: "c", image: "x", ports: [{ containerPort: 8080, protocol: "TCP" }] }] },
            status: { phase: "Running", podIP: `10.1.${(i + j) >> 8}.${(i + j) & 255}` },
          });
          text += value.length;
          return storage.create(`core/pods/default/${name}`, value);
        }),
      );
    }
    const listed = await storage.list("core/pods/");
    assert.equal(listed.items.length, 2_000);
  } finally {
    await storage.close();
  }
  const root = open({ path: dir, maxDbs: 8, readOnly: true });
  const pages = root.openDB("objects", { encoding: "binary" }).getStats() as { treeLeafPageCount: number };
  await root.close();
  const bytes = pages.treeLeafPageCount * 4096;
  // Uncompressed, the pages could not hold less than the text itself.
  assert.ok(bytes < text * 0.7, `the objects' leaf pages take ${bytes} bytes for ${text} bytes of text`);
});

test("a change record not newer than the last one stored is refused", async (t) => {
  const dir = await tempDir(t);
  const root = open({ path: dir, maxDbs: 8 });
  t.after(() => root.close());
  const dbs = openDatabases(root, dir);
  const record = (revision: number): Buffer =>
    encodeEvent({
      type: "put",
      revision,
      kv: { key: "p/a", value: "{}", createRevision: revision, modRevision: revision },
    });
  root.transactionSync(() => appendChange(dbs, 5, record(5)));
  assert.throws(
    () => root.transactionSync(() => appendChange(dbs, 4, record(4))),
    /change 4 is not newer than the last one stored/,
  );
  assert.deepEqual([...dbs.changes.getKeys({})], [5]);
});

test("a format 1 reader cannot take a format 2 store for an empty one: its revision is not JSON", async (t) => {
  const dir = await tempDir(t);
  const storage = await EmbeddedStorage.open(dir);
  await storage.create("p/a", "{}");
  await storage.close();
  // What format 1's code did first on open.
  const root = open({ path: dir, maxDbs: 8 });
  t.after(() => root.close());
  assert.throws(() => root.openDB<number, string>("meta", { encoding: "json" }).get("revision"), SyntaxError);
});
