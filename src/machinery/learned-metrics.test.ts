import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { LabelSlots, LearnedCounter, LearnedHistogram } from "./learned-metrics.ts";

test("label sets learnt at run time are counted by slot, grow past the first capacity, and leave when released", async () => {
  const registry = new Registry();
  const slots = new LabelSlots();
  const c = new LearnedCounter("r", "R.", slots).registerIn(registry);
  const h = new LearnedHistogram("d_seconds", "D.", [0.1, 1], slots).registerIn(registry);
  const made = Array.from({ length: 40 }, (_, i) => slots.add({ path: `/p${i}`, status: "200" }));
  assert.deepEqual(made, [...made.keys()]);
  for (const s of made) c.inc(s, s + 1);
  h.observe(made[39]!, 0.5);
  h.observe(made[39]!, 5);
  assert.equal(c.value(39), 40, "values survive the arrays growing");
  let text = await registry.metrics();
  assert.match(text, /^r\{path="\/p39",status="200"\} 40$/m);
  assert.match(text, /^d_seconds_bucket\{path="\/p39",status="200",le="1"\} 1$/m);
  assert.match(text, /^d_seconds_bucket\{path="\/p39",status="200",le="\+Inf"\} 2$/m);
  assert.match(text, /^d_seconds_count\{path="\/p39",status="200"\} 2$/m);
  assert.doesNotMatch(text, /d_seconds_count\{path="\/p1"/, "a histogram shows only label sets with observations");

  slots.release(made[39]!);
  text = await registry.metrics();
  assert.doesNotMatch(text, /p39/, "a released slot's series leave the scrape");
  const again = slots.add({ path: "/new", status: "404" });
  assert.equal(again, 39, "and its slot is reused, starting from zero");
  assert.equal(c.value(again), 0);
  assert.equal(h.count(again), 0);
  slots.release(again);
  slots.release(again); // twice is harmless
  assert.equal(slots.add({ path: "/x" }), 39);
});
