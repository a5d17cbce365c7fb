import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { type ConformanceTarget, storageConformance } from "../conformance.ts";
import { CompactedError, type KeyValue } from "../storage.ts";
import { EmbeddedStorage } from "./embedded-storage.ts";

const historyWindow = 200;
const writer = join(import.meta.dirname, "crash-writer.ts");

/** Runs the crash writer on `dir` until it acknowledged `count` writes, then SIGKILLs it. */
async function writeThenKill(dir: string, prefix: string, count: number): Promise<KeyValue[]> {
  const child = spawn(process.execPath, [writer, dir, prefix], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const acknowledged: KeyValue[] = [];
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      acknowledged.push(JSON.parse(line) as KeyValue);
      if (acknowledged.length >= count) {
        child.kill("SIGKILL");
        break;
      }
    }
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
  return acknowledged;
}

storageConformance(
  "embedded (LMDB)",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "kdns-embedded-"));
    const path = join(dir, "store");
    const target: ConformanceTarget = {
      storage: await EmbeddedStorage.open(path, { historyWindow }),
      compact: async () => {
        for (let i = 0; i <= historyWindow; i++) await target.storage.create(`zz-filler/${i}`, "");
      },
      restart: async (prefix, count) => {
        await target.storage.close();
        const acknowledged = await writeThenKill(path, prefix, count);
        target.storage = await EmbeddedStorage.open(path, { historyWindow });
        return acknowledged;
      },
      cleanup: async () => {
        await target.storage.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
    return target;
  },
  { durable: true },
);

test("history and revision persist across a clean reopen", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-embedded-"));
  try {
    const first = await EmbeddedStorage.open(dir, { historyWindow: 5 });
    const a = await first.create("p/a", "1");
    assert.equal(a.type, "ok");
    for (let i = 0; i < 6; i++) await first.create(`p/n${i}`, "x");
    await first.close();
    const second = await EmbeddedStorage.open(dir, { historyWindow: 5 });
    try {
      assert.equal(await second.revision(), 7);
      await assert.rejects(second.list("p/", { revision: 1 }), CompactedError);
      const ac = new AbortController();
      const seen: number[] = [];
      for await (const event of second.watch("p/", 2, { signal: ac.signal })) {
        seen.push(event.revision);
        if (seen.length === 5) ac.abort();
      }
      assert.deepEqual(seen, [3, 4, 5, 6, 7]);
      const next = await second.create("p/b", "2");
      assert.equal(next.type === "ok" ? next.kv.modRevision : 0, 8);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the store's file is mapped once however much it grows", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-embedded-"));
  try {
    const storage = await EmbeddedStorage.open(dir, { historyWindow: 100 });
    try {
      const value = "x".repeat(2_000);
      for (let i = 0; i < 2_000; i += 50)
        await Promise.all(Array.from({ length: 50 }, (_, j) => storage.create(`p/${i + j}`, value)));
      assert.equal((await storage.list("p/")).items.length, 2_000);
      const file = join(dir, "data.mdb");
      const mappings = (await readFile("/proc/self/maps", "utf8")).split("\n").filter((l) => l.endsWith(` ${file}`));
      assert.equal(mappings.length, 1, `mappings of ${file}:\n${mappings.join("\n")}`);
    } finally {
      await storage.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("watchers get each written event as written, not decoded again from the log", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdns-embedded-"));
  const storage = await EmbeddedStorage.open(dir);
  try {
    const ac = new AbortController();
    const events = storage.watch("p/", await storage.revision(), { signal: ac.signal })[Symbol.asyncIterator]();
    const next = events.next(); // subscribes before the write: the event comes live, not replayed
    const created = await storage.create("p/a", '{"a":1}');
    assert.equal(created.type, "ok");
    const seen = await next;
    assert.equal(seen.value?.type === "put" ? seen.value.kv : undefined, created.type === "ok" ? created.kv : null);
    ac.abort();
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
});
