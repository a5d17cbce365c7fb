import assert from "node:assert/strict";
import { test } from "node:test";
import { Indexer } from "./indexer.ts";

interface Obj {
  tags: string[];
}

test("an index value goes from one member to many and back, and each object is filed once per value", () => {
  const indexer = new Indexer<Obj>();
  indexer.add("tag", (o) => o.tags);
  indexer.add("first", (o) => o.tags.slice(0, 1));
  const a: Obj = { tags: ["x", "y"] };
  const b: Obj = { tags: ["x"] };
  indexer.replace(undefined, a, "ns", "a");
  assert.deepEqual(indexer.get("tag", "x"), [{ value: a, namespace: "ns", name: "a" }]);
  assert.equal(indexer.get("tag", "x")[0], indexer.get("first", "x")[0], "one entry per object, shared by indexes");
  indexer.replace(undefined, b, "ns", "b");
  assert.deepEqual(
    indexer.get("tag", "x").map((e) => e.name),
    ["a", "b"],
  );
  const a2: Obj = { tags: ["y"] };
  indexer.replace(a, a2, "ns", "a");
  assert.deepEqual(
    indexer.get("tag", "x").map((e) => e.name),
    ["b"],
  );
  assert.deepEqual(indexer.get("tag", "y"), [{ value: a2, namespace: "ns", name: "a" }]);
  indexer.replace(b, undefined, "ns", "b");
  assert.deepEqual(indexer.get("tag", "x"), []);
  assert.equal(indexer.valueCount("tag"), 1, "an emptied value is dropped");
  assert.throws(() => indexer.get("nope", "x"), /no index named "nope"/);
});
