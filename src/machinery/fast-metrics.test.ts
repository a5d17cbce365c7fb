import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { exponentialBuckets, IndexedCounter, IndexedHistogram } from "./fast-metrics.ts";

test("a counter numbers its label sets row-major and shows only the ones counted, labels in order", async () => {
  const registry = new Registry();
  const c = new IndexedCounter("x_total", "X.", {
    fixed: { server: "s" },
    dims: [
      ["proto", ["udp", "tcp"]],
      ["type", ["A", "AAAA", "other"]],
    ],
  }).registerIn(registry);
  assert.equal(c.index(1, 2), 5);
  c.inc(c.index(1, 2));
  c.inc(c.index(0, 1), 2);
  assert.equal(c.value(5), 1);
  const text = await registry.metrics();
  assert.match(text, /# TYPE x_total counter/);
  assert.match(text, /^x_total\{server="s",proto="udp",type="AAAA"\} 2$/m);
  assert.match(text, /^x_total\{server="s",proto="tcp",type="other"\} 1$/m);
  assert.equal(text.match(/^x_total\{/gm)?.length, 2, "label sets never counted are left out");
});

test("a counter without varying labels and a gauge always show", async () => {
  const registry = new Registry();
  new IndexedCounter("panics_total", "P.").registerIn(registry);
  const g = new IndexedCounter("on", "G.", { dims: [["name", ["a", "b"]]] }, "gauge").registerIn(registry);
  g.set(1, 1);
  const text = await registry.metrics();
  assert.match(text, /^panics_total 0$/m);
  assert.match(text, /^on\{name="a"\} 0$/m);
  assert.match(text, /^on\{name="b"\} 1$/m);
});

test("a histogram's buckets are cumulative with le, and sum and count follow", async () => {
  const registry = new Registry();
  const h = new IndexedHistogram("d_seconds", "D.", [0.1, 1], { dims: [["p", ["a", "b"]]] }).registerIn(registry);
  for (const v of [0.05, 0.1, 0.5, 3]) h.observe(1, v);
  assert.equal(h.count(1), 4);
  assert.equal(h.count(0), 0);
  const text = await registry.metrics();
  assert.match(text, /# TYPE d_seconds histogram/);
  assert.match(text, /^d_seconds_bucket\{p="b",le="0.1"\} 2$/m);
  assert.match(text, /^d_seconds_bucket\{p="b",le="1"\} 3$/m);
  assert.match(text, /^d_seconds_bucket\{p="b",le="\+Inf"\} 4$/m);
  assert.match(text, /^d_seconds_sum\{p="b"\} 3.65$/m);
  assert.match(text, /^d_seconds_count\{p="b"\} 4$/m);
  assert.doesNotMatch(text, /p="a"/);
});

test("exponential buckets as client_golang makes them", () => {
  assert.deepEqual(exponentialBuckets(0.00025, 2, 4), [0.00025, 0.0005, 0.001, 0.002]);
});

test("labels that vary together are one dim of value tuples", async () => {
  const registry = new Registry();
  const c = new IndexedCounter("r_total", "R.", {
    dims: [
      ["verb", ["GET", "POST"]],
      [
        ["group", "resource"],
        [
          ["", "pods"],
          ["discovery.k8s.io", "endpointslices"],
        ],
      ],
    ],
  }).registerIn(registry);
  c.inc(c.index(1, 1));
  const text = await registry.metrics();
  assert.match(text, /^r_total\{verb="POST",group="discovery\.k8s\.io",resource="endpointslices"\} 1$/m);
  assert.equal(text.match(/^r_total\{/gm)?.length, 1);
});
