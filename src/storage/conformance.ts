/**
 * The one conformance suite every storage backend runs (Hono's `router/common.case.test.ts`
 * pattern): a backend's test file calls {@link storageConformance} with a way to open it.
 */
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { CompactedError, type KeyValue, type Storage, type StorageEvent } from "./storage.ts";

/** A backend opened for one test case. */
export interface ConformanceTarget {
  /** The storage under test; {@link ConformanceTarget.restart} may replace it. */
  storage: Storage;
  /** Makes every revision before the current one unavailable to watch and list. */
  compact(): Promise<void>;
  /**
   * Crash test: a writer writes `count` keys under `prefix`, reporting each acknowledged write,
   * and is killed with SIGKILL right after (other writes may be in flight); then the backend is
   * reopened into `storage`. Returns the acknowledged writes.
   */
  restart?(prefix: string, count: number): Promise<KeyValue[]>;
  /** Closes the storage and removes what the test made. */
  cleanup(): Promise<void>;
}

/** Reads events from `source` until `count` arrived or `timeoutMs` passed, then ends the watch. */
async function collect(
  watch: (signal: AbortSignal) => AsyncIterable<StorageEvent>,
  count: number,
  timeoutMs = 10_000,
): Promise<StorageEvent[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const seen: StorageEvent[] = [];
  try {
    for await (const event of watch(ac.signal)) {
      seen.push(event);
      if (seen.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return seen;
}

function keyOf(event: StorageEvent): string {
  return event.type === "put" ? event.kv.key : event.key;
}

function mustOk<T extends { type: string }>(result: T): Extract<T, { type: "ok" }> {
  assert.equal(result.type, "ok", `expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { type: "ok" }>;
}

/** What a backend promises beyond the common contract. */
export interface ConformanceOptions {
  /** Acknowledged writes survive a crash: runs the SIGKILL test (the target must offer `restart`). */
  durable?: boolean;
}

/** Registers the conformance tests of one backend under `describe(name)`. */
export function storageConformance(
  name: string,
  open: () => Promise<ConformanceTarget>,
  options: ConformanceOptions = {},
): void {
  const withTarget = (title: string, body: (target: ConformanceTarget, t: TestContext) => Promise<void>): void => {
    test(title, async (t) => {
      const target = await open();
      try {
        await body(target, t);
      } finally {
        await target.cleanup();
      }
    });
  };

  describe(`storage conformance: ${name}`, () => {
    withTarget("create, get, update, delete", async ({ storage }) => {
      const created = mustOk(await storage.create("crud/a", '{"v":1}'));
      assert.equal(created.kv.key, "crud/a");
      assert.equal(created.kv.value, '{"v":1}');
      assert.equal(created.kv.createRevision, created.kv.modRevision);
      assert.deepEqual(await storage.get("crud/a"), created.kv);
      assert.equal(await storage.revision(), created.kv.modRevision);

      const updated = mustOk(await storage.update("crud/a", '{"v":2}', created.kv.modRevision));
      assert.equal(updated.kv.value, '{"v":2}');
      assert.equal(updated.kv.createRevision, created.kv.createRevision);
      assert.ok(updated.kv.modRevision > created.kv.modRevision);
      assert.deepEqual(await storage.get("crud/a"), updated.kv);

      const deleted = mustOk(await storage.delete("crud/a", updated.kv.modRevision));
      assert.equal(deleted.kv.value, '{"v":2}');
      assert.ok(deleted.kv.modRevision > updated.kv.modRevision);
      assert.equal(await storage.get("crud/a"), undefined);
      assert.equal(await storage.get("crud/missing"), undefined);
      assert.equal(await storage.revision(), deleted.kv.modRevision);
      assert.equal(await storage.healthy(), true);
    });

    withTarget("create of an existing key answers exists with the current value", async ({ storage }) => {
      const first = mustOk(await storage.create("dup/a", "1"));
      const second = await storage.create("dup/a", "2");
      assert.deepEqual(second, { type: "exists", current: first.kv });
      assert.equal((await storage.get("dup/a"))?.value, "1");
      assert.equal(await storage.revision(), first.kv.modRevision);
    });

    withTarget("stale revisions conflict and missing keys are not found", async ({ storage }) => {
      const v1 = mustOk(await storage.create("cas/a", "1")).kv;
      const v2 = mustOk(await storage.update("cas/a", "2", v1.modRevision)).kv;
      assert.deepEqual(await storage.update("cas/a", "3", v1.modRevision), { type: "conflict", current: v2 });
      assert.deepEqual(await storage.delete("cas/a", v1.modRevision), { type: "conflict", current: v2 });
      assert.deepEqual(await storage.update("cas/missing", "1", 1), { type: "not-found" });
      assert.deepEqual(await storage.delete("cas/missing", 1), { type: "not-found" });
      assert.deepEqual(await storage.delete("cas/missing"), { type: "not-found" });
      assert.equal(await storage.revision(), v2.modRevision, "failed writes must not use a revision");
      const gone = mustOk(await storage.delete("cas/a"));
      assert.equal(gone.kv.value, "2");
    });

    withTarget("revisions strictly increase with every write", async ({ storage }) => {
      let last = await storage.revision();
      for (let i = 0; i < 10; i++) {
        const c = mustOk(await storage.create(`rev/${i}`, "x")).kv;
        assert.ok(c.modRevision > last, `create ${i}: ${c.modRevision} after ${last}`);
        const u = mustOk(await storage.update(`rev/${i}`, "y", c.modRevision)).kv;
        assert.ok(u.modRevision > c.modRevision);
        last = u.modRevision;
        if (i % 2 === 0) {
          const d = mustOk(await storage.delete(`rev/${i}`)).kv;
          assert.ok(d.modRevision > last);
          last = d.modRevision;
        }
      }
      assert.equal(await storage.revision(), last);
    });

    withTarget("list by prefix keeps sibling prefixes apart", async ({ storage }) => {
      for (const key of ["a/b/2", "a/b/1", "a/bc/1", "a/b", "a/a/1", "b/1"]) mustOk(await storage.create(key, key));
      const ab = await storage.list("a/b/");
      assert.deepEqual(
        ab.items.map((kv) => kv.key),
        ["a/b/1", "a/b/2"],
      );
      assert.equal(ab.more, false);
      assert.equal(ab.revision, await storage.revision());
      assert.deepEqual(
        (await storage.list("a/bc/")).items.map((kv) => kv.key),
        ["a/bc/1"],
      );
      assert.deepEqual(
        (await storage.list("a/")).items.map((kv) => kv.key),
        ["a/a/1", "a/b", "a/b/1", "a/b/2", "a/bc/1"],
      );
      assert.deepEqual((await storage.list("none/")).items, []);
      assert.equal((await storage.list("a/b/")).items[0]?.value, "a/b/1");
    });

    withTarget("limit and startAfter page through one consistent revision", async ({ storage }) => {
      for (let i = 0; i < 7; i++) mustOk(await storage.create(`page/k${i}`, String(i)));
      // Neighbours on both sides of the prefix stay out of its pages.
      mustOk(await storage.create("pag/z", "before"));
      mustOk(await storage.create("page0/a", "after"));
      const first = await storage.list("page/", { limit: 3 });
      assert.deepEqual(
        first.items.map((kv) => kv.key),
        ["page/k0", "page/k1", "page/k2"],
      );
      assert.equal(first.more, true);
      // Writes between pages must not show up in later pages read at the first page's revision.
      mustOk(await storage.create("page/k35", "new"));
      mustOk(await storage.delete("page/k4"));
      const k5 = await storage.get("page/k5");
      mustOk(await storage.update("page/k5", "changed", k5?.modRevision ?? 0));
      const second = await storage.list("page/", { limit: 3, startAfter: "page/k2", revision: first.revision });
      assert.deepEqual(
        second.items.map((kv) => kv.key),
        ["page/k3", "page/k4", "page/k5"],
      );
      assert.equal(second.items[2]?.value, "5");
      assert.equal(second.revision, first.revision);
      assert.equal(second.more, true);
      const third = await storage.list("page/", { limit: 3, startAfter: "page/k5", revision: first.revision });
      assert.deepEqual(
        third.items.map((kv) => kv.key),
        ["page/k6"],
      );
      assert.equal(third.more, false);
      const now = await storage.list("page/", { startAfter: "page/k2" });
      assert.deepEqual(
        now.items.map((kv) => kv.key),
        ["page/k3", "page/k35", "page/k5", "page/k6"],
      );
    });

    withTarget("list at an earlier revision shows that revision's state", async ({ storage }) => {
      const a = mustOk(await storage.create("past/a", "a1")).kv;
      mustOk(await storage.create("past/b", "b1"));
      const then = await storage.revision();
      mustOk(await storage.update("past/a", "a2", a.modRevision));
      mustOk(await storage.delete("past/b"));
      mustOk(await storage.create("past/c", "c1"));
      const old = await storage.list("past/", { revision: then });
      assert.equal(old.revision, then);
      assert.deepEqual(
        old.items.map((kv) => [kv.key, kv.value]),
        [
          ["past/a", "a1"],
          ["past/b", "b1"],
        ],
      );
      await assert.rejects(storage.list("past/", { revision: (await storage.revision()) + 5 }), RangeError);
      const now = await storage.list("past/");
      assert.deepEqual(
        now.items.map((kv) => [kv.key, kv.value]),
        [
          ["past/a", "a2"],
          ["past/c", "c1"],
        ],
      );
    });

    withTarget("watch delivers every concurrent write exactly once, in order", async ({ storage }) => {
      for (let i = 0; i < 30; i++) mustOk(await storage.create(`w/pre/${i}`, "x"));
      const start = await storage.revision();
      const writers = 4;
      const perWriter = 15;
      const expected = writers * perWriter * 2 + 1;
      const events = collect((signal) => storage.watch("w/", start - 20, { signal }), expected + 20);
      const results = await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const revisions: number[] = [];
          for (let i = 0; i < perWriter; i++) {
            const kv = mustOk(await storage.create(`w/${w}/${i}`, "1")).kv;
            revisions.push(kv.modRevision);
            revisions.push(mustOk(await storage.update(`w/${w}/${i}`, "2", kv.modRevision)).kv.modRevision);
          }
          return revisions;
        }),
      );
      mustOk(await storage.create("other/x", "not watched"));
      const last = mustOk(await storage.delete("w/pre/29")).kv.modRevision;
      const seen = await events;
      const revisions = seen.map((e) => e.revision);
      for (let i = 1; i < revisions.length; i++)
        assert.ok(revisions[i]! > revisions[i - 1]!, `out of order at ${i}: ${revisions}`);
      const written = [...results.flat(), last].sort((x, y) => x - y);
      assert.deepEqual(revisions.slice(20), written);
      assert.ok(seen.every((e) => keyOf(e).startsWith("w/")));
      const tail = seen.at(-1);
      assert.equal(tail?.type, "delete");
      assert.equal(tail?.type === "delete" ? tail.prev.key : "", "w/pre/29");
      const update = seen.find((e) => e.type === "put" && e.kv.value === "2");
      assert.ok(update?.type === "put" && update.prev?.value === "1", "an update carries the previous value");
    });

    withTarget("watch resumes from a middle revision", async ({ storage }) => {
      const revs: number[] = [];
      for (let i = 0; i < 10; i++) revs.push(mustOk(await storage.create(`resume/${i}`, String(i))).kv.modRevision);
      const from = revs[4]!;
      const events = collect((signal) => storage.watch("resume/", from, { signal }), 6);
      const live = mustOk(await storage.create("resume/live", "l")).kv.modRevision;
      const seen = await events;
      assert.deepEqual(
        seen.map((e) => e.revision),
        [...revs.slice(5), live],
      );
      assert.deepEqual(seen.map(keyOf), ["resume/5", "resume/6", "resume/7", "resume/8", "resume/9", "resume/live"]);
    });

    withTarget("watch and list from a compacted revision throw CompactedError", async (target) => {
      const old = mustOk(await target.storage.create("compact/a", "1")).kv;
      mustOk(await target.storage.update("compact/a", "2", old.modRevision));
      await target.compact();
      mustOk(await target.storage.create("compact/b", "1"));
      await assert.rejects(
        collect((signal) => target.storage.watch("compact/", old.createRevision - 1, { signal }), 1),
        (err: unknown) => err instanceof CompactedError && err.compactRevision >= old.createRevision,
      );
      await assert.rejects(target.storage.list("compact/", { revision: old.createRevision }), CompactedError);
      const current = await target.storage.list("compact/");
      assert.deepEqual(
        current.items.map((kv) => kv.value),
        ["2", "1"],
      );
    });

    withTarget("watch ends when its signal aborts", async ({ storage }) => {
      const ac = new AbortController();
      const start = await storage.revision();
      const seen: StorageEvent[] = [];
      const done = (async () => {
        for await (const event of storage.watch("abort/", start, { signal: ac.signal })) {
          seen.push(event);
          ac.abort();
        }
        return "ended";
      })();
      mustOk(await storage.create("abort/a", "1"));
      let timer: NodeJS.Timeout | undefined;
      const guard = new Promise((resolve) => (timer = setTimeout(resolve, 5_000, "hung")));
      assert.equal(await Promise.race([done, guard]), "ended");
      clearTimeout(timer);
      assert.equal(seen.length, 1);
      const pre = new AbortController();
      pre.abort();
      const none: StorageEvent[] = [];
      for await (const event of storage.watch("abort/", 0, { signal: pre.signal })) none.push(event);
      assert.deepEqual(none, []);
    });

    withTarget("concurrent updates with one revision: exactly one wins", async ({ storage }) => {
      const kv = mustOk(await storage.create("race/a", "0")).kv;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => storage.update("race/a", String(i + 1), kv.modRevision)),
      );
      const ok = results.filter((r) => r.type === "ok");
      assert.equal(ok.length, 1, JSON.stringify(results));
      assert.equal(results.filter((r) => r.type === "conflict").length, 11);
      assert.deepEqual(await storage.get("race/a"), ok[0]?.kv);
      const deletes = await Promise.all(
        Array.from({ length: 5 }, () => storage.delete("race/a", ok[0]?.kv.modRevision)),
      );
      assert.equal(deletes.filter((r) => r.type === "ok").length, 1);
    });

    if (options.durable)
      withTarget("acknowledged writes survive SIGKILL and the revision never goes back", async (target) => {
        assert.ok(target.restart, `${name} is declared durable but offers no restart`);
        mustOk(await target.storage.create("crash/before", "b"));
        const acknowledged = await target.restart("crash/", 40);
        assert.ok(acknowledged.length >= 40, `only ${acknowledged.length} writes acknowledged`);
        const storage = target.storage;
        for (const kv of acknowledged) {
          const now = await storage.get(kv.key);
          assert.ok(now, `acknowledged ${kv.key} lost`);
          assert.ok(now.modRevision >= kv.modRevision);
        }
        assert.equal((await storage.get("crash/before"))?.value, "b");
        const highest = Math.max(...acknowledged.map((kv) => kv.modRevision));
        assert.ok((await storage.revision()) >= highest);
        const after = mustOk(await storage.create("crash/after", "a")).kv;
        assert.ok(after.modRevision > highest, `revision went back: ${after.modRevision} <= ${highest}`);
      });
  });
}
