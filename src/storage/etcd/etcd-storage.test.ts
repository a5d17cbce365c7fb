import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Etcd3 } from "etcd3";
import { startEtcd, type TestEtcd } from "../../../test/support/etcd.ts";
import { waitFor } from "../../../test/support/wait-for.ts";
import { type ConformanceTarget, storageConformance } from "../conformance.ts";
import type { KeyValue, StorageEvent } from "../storage.ts";
import { EtcdStorage } from "./etcd-storage.ts";

let etcd: TestEtcd | undefined;
let admin: Etcd3 | undefined;
let run = 0;

before(async () => {
  etcd = await startEtcd();
  admin = new Etcd3({ hosts: [etcd.endpoint] });
});

after(async () => {
  admin?.close();
  await etcd?.stop();
});

/** Writes from four loops until `count` are acknowledged, then SIGKILLs etcd mid-stream. */
async function writeThenKill(
  server: TestEtcd,
  storage: EtcdStorage,
  prefix: string,
  count: number,
): Promise<KeyValue[]> {
  const acknowledged: KeyValue[] = [];
  let next = 0;
  let killed: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (!killed) {
        const key = `${prefix}${String(next++).padStart(6, "0")}`;
        try {
          const result = await storage.create(key, "v");
          if (result.type === "ok") acknowledged.push(result.kv);
        } catch {
          // writes in flight when etcd dies fail; only acknowledged ones count
          break;
        }
        if (acknowledged.length >= count) killed ??= server.kill("SIGKILL");
      }
    }),
  );
  await killed;
  return acknowledged;
}

storageConformance(
  "etcd",
  async () => {
    const server = etcd;
    const client = admin;
    if (!server || !client) throw new Error("etcd did not start");
    const prefix = `/kdns-test-${process.pid}-${run++}/`;
    const target: ConformanceTarget = {
      storage: await EtcdStorage.open({ endpoints: [server.endpoint], prefix }),
      compact: async () => {
        const revision = await target.storage.revision();
        await client.kv.compact({ revision, physical: true });
      },
      restart: async (keyPrefix, count) => {
        const storage = target.storage as EtcdStorage;
        const acknowledged = await writeThenKill(server, storage, keyPrefix, count);
        await server.restart();
        await waitFor(() => storage.healthy(), { timeoutMs: 20_000, what: "the etcd storage to reconnect" });
        return acknowledged;
      },
      cleanup: async () => {
        await target.storage.close();
      },
    };
    return target;
  },
  { durable: true },
);

test("a watch resumes after etcd restarts without missing or repeating events", async () => {
  const server = etcd;
  if (!server) throw new Error("etcd did not start");
  const storage = await EtcdStorage.open({ endpoints: [server.endpoint], prefix: `/kdns-resume-${process.pid}/` });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 30_000);
  try {
    const start = await storage.revision();
    const seen: StorageEvent[] = [];
    const watching = (async () => {
      for await (const event of storage.watch("w/", start, { signal: ac.signal })) {
        seen.push(event);
        if (seen.length === 6) break;
      }
    })();
    const written: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await storage.create(`w/before-${i}`, "x");
      if (r.type === "ok") written.push(r.kv.modRevision);
    }
    await waitFor(() => seen.length === 3, { what: "events before the restart" });
    await server.restart();
    await waitFor(() => storage.healthy(), { timeoutMs: 20_000, what: "etcd to come back" });
    for (let i = 0; i < 3; i++) {
      const r = await storage.create(`w/after-${i}`, "y");
      if (r.type === "ok") written.push(r.kv.modRevision);
    }
    await watching;
    assert.deepEqual(
      seen.map((e) => e.revision),
      written,
    );
  } finally {
    clearTimeout(timer);
    ac.abort();
    await storage.close();
  }
});

test("healthy() answers false quickly while etcd is down", async () => {
  const server = etcd;
  if (!server) throw new Error("etcd did not start");
  const storage = await EtcdStorage.open({ endpoints: [server.endpoint], prefix: "/kdns-health/" });
  try {
    assert.equal(await storage.healthy(), true);
    await server.kill("SIGKILL");
    const t0 = Date.now();
    assert.equal(await storage.healthy(), false);
    assert.ok(Date.now() - t0 < 2_000, `healthy() took ${Date.now() - t0} ms`);
  } finally {
    await server.restart();
    await storage.close();
  }
});
