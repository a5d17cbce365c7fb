import assert from "node:assert/strict";
import { test } from "node:test";
import { mergePatch } from "./merge-patch.ts";

// RFC 7386 Appendix A, verbatim.
const rfcCases: [unknown, unknown, unknown][] = [
  [{ a: "b" }, { a: "c" }, { a: "c" }],
  [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
  [{ a: "b" }, { a: null }, {}],
  [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
  [{ a: ["b"] }, { a: "c" }, { a: "c" }],
  [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
  [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
  [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
  [
    ["a", "b"],
    ["c", "d"],
    ["c", "d"],
  ],
  [{ a: "b" }, ["c"], ["c"]],
  [{ a: "foo" }, null, null],
  [{ a: "foo" }, "bar", "bar"],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: "b", c: null }, { a: "b" }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

test("RFC 7386 appendix A examples", () => {
  for (const [target, patch, want] of rfcCases) {
    assert.deepEqual(mergePatch(target, patch), want, JSON.stringify({ target, patch }));
  }
});

test("does not mutate inputs and shares no objects with them", () => {
  const target = { metadata: { labels: { a: "1" } }, spec: { ports: [{ port: 80 }] } };
  const patch = { metadata: { labels: { b: "2" } }, spec: { extra: { x: 1 } } };
  const before = structuredClone(target);
  const patchBefore = structuredClone(patch);
  const out = mergePatch(target, patch) as typeof target & { spec: { extra: { x: number } } };
  assert.deepEqual(target, before);
  assert.deepEqual(patch, patchBefore);
  assert.deepEqual(out.metadata.labels, { a: "1", b: "2" });
  assert.notEqual(out.spec.ports, target.spec.ports);
  assert.notEqual(out.spec.extra, patch.spec.extra);
});

test("a __proto__ key is kept as data, not as a prototype", () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
  const out = mergePatch({}, patch) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  assert.deepEqual(Object.getOwnPropertyDescriptor(out, "__proto__")?.value, { polluted: true });
});
