import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { parseSamples, sumOf } from "../../test/support/prom-text.ts";
import { WorkQueue } from "./work-queue.ts";

test("de-duplicates keys that are waiting and keeps arrival order", async () => {
  const q = new WorkQueue();
  q.add("a");
  q.add("b");
  q.add("a");
  assert.equal(q.length, 2);
  assert.equal(await q.get(), "a");
  assert.equal(await q.get(), "b");
  assert.equal(q.length, 0);
  q.shutDown();
});

test("a key added while processing is handed out again only after done", async () => {
  const q = new WorkQueue();
  q.add("a");
  const key = await q.get();
  assert.equal(key, "a");
  q.add("a");
  q.add("a");
  assert.equal(q.length, 0, "not handed to a second worker while processing");
  q.done("a");
  assert.equal(q.length, 1);
  assert.equal(await q.get(), "a");
  q.done("a");
  assert.equal(q.length, 0, "processed once more, not twice");
  q.shutDown();
});

test("a waiting get receives the next added key", async () => {
  const q = new WorkQueue();
  const pending = q.get();
  q.add("x");
  assert.equal(await pending, "x");
  q.add("x");
  assert.equal(q.length, 0, "x is processing, so the add is deferred");
  q.done("x");
  assert.equal(q.length, 1);
  q.shutDown();
});

test("shutDown releases waiting gets and drops later adds", async () => {
  const q = new WorkQueue();
  const pending = q.get();
  q.shutDown();
  assert.equal(await pending, undefined);
  q.add("a");
  assert.equal(q.length, 0);
  assert.equal(await q.get(), undefined);
});

test("an aborted signal releases a waiting get without losing later keys", async () => {
  const q = new WorkQueue();
  const ac = new AbortController();
  const pending = q.get(ac.signal);
  ac.abort();
  assert.equal(await pending, undefined);
  q.add("k");
  assert.equal(q.length, 1, "the aborted waiter did not swallow the key");
  assert.equal(await q.get(), "k");
  q.shutDown();
});

test("rate-limited requeue backs off exponentially with a cap, and forget resets it", async () => {
  const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 40 });
  assert.deepEqual(
    [0, 1, 2, 3, 10].map((n) => q.backoff(n)),
    [10, 20, 40, 40, 40],
  );
  const started = Date.now();
  q.addRateLimited("k");
  assert.equal(q.numRequeues("k"), 1);
  assert.equal(q.length, 0, "not queued before the delay");
  assert.equal(await q.get(), "k");
  assert.ok(Date.now() - started >= 9, "waited about the base delay");
  q.done("k");
  q.addRateLimited("k");
  assert.equal(q.numRequeues("k"), 2);
  q.forget("k");
  assert.equal(q.numRequeues("k"), 0);
  q.shutDown();
});

test("addAfter keeps the earlier pending time and shutDown cancels timers", async () => {
  const q = new WorkQueue();
  q.addAfter("k", 5);
  q.addAfter("k", 60_000);
  assert.equal(await q.get(), "k");
  q.done("k");
  q.addAfter("sooner", 60_000);
  q.addAfter("sooner", 5);
  assert.equal(await q.get(), "sooner", "a later call with an earlier time wins");
  q.done("sooner");
  q.addAfter("late", 60_000);
  q.shutDown(); // the test would hang on an uncancelled 60 s timer
  assert.equal(q.length, 0);
});

test("with a registry, the queue is counted as client-go's workqueue metrics", async () => {
  const registry = new Registry();
  const q = new WorkQueue({ baseDelayMs: 1, metrics: { registry, name: "endpoint" } });
  q.add("a");
  q.add("a");
  q.add("b");
  let s = parseSamples(await registry.metrics());
  assert.equal(sumOf(s, "workqueue_depth", { name: "endpoint" }), 2);
  assert.equal(sumOf(s, "workqueue_adds_total", { name: "endpoint" }), 2, "an add of a waiting key is not counted");
  assert.equal(await q.get(), "a");
  q.add("a");
  s = parseSamples(await registry.metrics());
  assert.equal(sumOf(s, "workqueue_depth", { name: "endpoint" }), 2, "b waiting, a added again while processing");
  assert.equal(sumOf(s, "workqueue_longest_running_processor_seconds", { name: "endpoint" }) >= 0, true);
  q.done("a");
  q.addRateLimited("c");
  s = parseSamples(await registry.metrics());
  assert.equal(sumOf(s, "workqueue_adds_total", { name: "endpoint" }), 3, "a requeue after done is not another add");
  assert.equal(sumOf(s, "workqueue_retries_total", { name: "endpoint" }), 1);
  assert.equal(sumOf(s, "workqueue_queue_duration_seconds_count", { name: "endpoint" }), 1);
  assert.equal(sumOf(s, "workqueue_work_duration_seconds_count", { name: "endpoint" }), 1);
  assert.equal(sumOf(s, "workqueue_work_duration_seconds_bucket", { name: "endpoint", le: "10" }), 1);
  assert.equal(sumOf(s, "workqueue_unfinished_work_seconds", { name: "endpoint" }), 0);
  q.shutDown();
  s = parseSamples(await registry.metrics());
  assert.equal(s.filter((x) => x.name === "workqueue_depth").length, 0, "a shut-down queue is no longer read");
});
