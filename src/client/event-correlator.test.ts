import assert from "node:assert/strict";
import { test } from "node:test";
import { type EventCorrelator as C, EventCorrelator, type EventOccurrence } from "./event-correlator.ts";

const conflict: EventOccurrence = {
  object: { apiVersion: "kdns.dev/v1", kind: "DNSRecord", namespace: "shop", name: "late", uid: "u1" },
  type: "Warning",
  reason: "Conflict",
  message: "not served: shop/early is older and claims host a.test path /",
};

function observeAll(c: C, times: number[], o: EventOccurrence = conflict): string[] {
  return times.map((t) => {
    const r = c.observe(o, t);
    return r.type === "drop" ? "drop" : `${r.type} ${r.count}`;
  });
}

test("a repeat within the window updates the same Event with a higher count", () => {
  const c = new EventCorrelator("kdns-gateway");
  const first = c.observe(conflict, 1_000);
  const second = c.observe(conflict, 2_000);
  if (first.type !== "create" || second.type !== "update") assert.fail(`${first.type}, ${second.type}`);
  assert.equal(second.name, first.name);
  assert.equal(second.count, 2);
  assert.equal(second.first, 1_000);
  assert.equal(second.last, 2_000);
  assert.match(first.name, /^late\.[0-9a-f]+$/);
});

test("another reason, message, type, object or component is another Event", () => {
  const c = new EventCorrelator("kdns-gateway");
  assert.equal(c.observe(conflict, 0).type, "create");
  assert.equal(c.observe({ ...conflict, reason: "ConfigRejected" }, 0).type, "create");
  assert.equal(c.observe({ ...conflict, message: "other" }, 0).type, "create");
  assert.equal(c.observe({ ...conflict, type: "Normal" }, 0).type, "create");
  assert.equal(c.observe({ ...conflict, object: { ...conflict.object, uid: "u2" } }, 0).type, "create");
  assert.equal(new EventCorrelator("kdns-dns").observe(conflict, 0).type, "create");
});

test("after the window a repeat starts a new Event", () => {
  const c = new EventCorrelator("kdns-gateway", { windowMs: 100 });
  assert.deepEqual(observeAll(c, [0, 100, 201]), ["create 1", "update 2", "create 1"]);
});

test("a storm about one object is cut to the burst, then refills one per period", () => {
  const c = new EventCorrelator("kdns-gateway", { burst: 3, refillMs: 1_000 });
  assert.deepEqual(observeAll(c, [0, 1, 2, 3, 4]), ["create 1", "update 2", "update 3", "drop", "drop"]);
  assert.deepEqual(observeAll(c, [1_003, 1_004]), ["update 4", "drop"]);
  // Another object has a bucket of its own.
  const other = { ...conflict, object: { ...conflict.object, name: "other" } };
  assert.deepEqual(observeAll(c, [5], other), ["create 1"]);
});

test("names stay valid DNS subdomains for long object names, and differ within one millisecond", () => {
  const c = new EventCorrelator("kdns-gateway");
  const long = { ...conflict, object: { ...conflict.object, name: `${"a".repeat(240)}-b` } };
  const a = c.observe(long, 5);
  const b = c.observe({ ...long, reason: "Other" }, 5);
  if (a.type === "drop" || b.type === "drop") assert.fail("dropped");
  assert.ok(a.name.length <= 253, a.name);
  assert.match(a.name, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
  assert.notEqual(a.name, b.name);
});

test("the memory is bounded: the least recently seen Event is forgotten", () => {
  const c = new EventCorrelator("kdns-gateway", { maxKeys: 2 });
  const m = (message: string): EventOccurrence => ({ ...conflict, message });
  c.observe(m("a"), 0);
  c.observe(m("b"), 0);
  c.observe(m("a"), 1);
  c.observe(m("c"), 2); // forgets b
  assert.equal(c.observe(m("a"), 3).type, "update");
  assert.equal(c.observe(m("b"), 3).type, "create");
});
