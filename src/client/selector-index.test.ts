import assert from "node:assert/strict";
import { test } from "node:test";
import { SelectorIndex } from "./selector-index.ts";

test("a pod's Services among 100 of its namespace cost one selector check, not 100", () => {
  const index = new SelectorIndex();
  for (const ns of ["a", "b"])
    for (let i = 0; i < 100; i++) index.set(ns, `svc-${i}`, { app: `app-${i}`, tier: "web" });
  const before = index.checked;
  assert.deepEqual(index.matching("a", { app: "app-7", tier: "web", version: "2" }), ["svc-7"]);
  assert.equal(index.checked - before, 1, "only the selector filed under app=app-7 was checked");
  assert.deepEqual(index.matching("a", { tier: "web" }), [], "no Service selects by tier alone");
  assert.deepEqual(index.matching("c", { app: "app-7", tier: "web" }), [], "selectors never reach across namespaces");
});

test("selectors sharing a pair are all found; a new one is filed under its least crowded pair", () => {
  const index = new SelectorIndex();
  for (let i = 0; i < 5; i++) index.set("ns", `web-${i}`, { tier: "web" });
  index.set("ns", "one", { tier: "web", app: "x" });
  const before = index.checked;
  assert.deepEqual(index.matching("ns", { tier: "web" }).sort(), ["web-0", "web-1", "web-2", "web-3", "web-4"]);
  assert.equal(index.checked - before, 5, "'one' is filed under app=x, so a pod without it never checks it");
  assert.deepEqual(index.matching("ns", { tier: "web", app: "x" }).sort(), [
    "one",
    "web-0",
    "web-1",
    "web-2",
    "web-3",
    "web-4",
  ]);
  assert.deepEqual(index.matching("ns", { app: "x" }), [], "filed under app=x, but it also asks tier=web");
});

test("an update refiles the selector, a delete or an empty selector drops it; versions are matched as a union", () => {
  const index = new SelectorIndex();
  index.set("ns", "s", { app: "old" });
  index.set("ns", "t", { app: "new" });
  assert.deepEqual(index.matching("ns", { app: "old" }, { app: "new" }).sort(), ["s", "t"], "old and new labels");
  index.set("ns", "s", { app: "new" });
  assert.deepEqual(index.matching("ns", { app: "old" }), [], "the old selector is gone");
  assert.deepEqual(index.matching("ns", { app: "new" }, { app: "new" }).sort(), ["s", "t"], "each name once");
  assert.equal(index.get("ns", "s")?.requirements[0]?.values[0], "new");
  index.delete("ns", "s");
  index.set("ns", "t", {});
  assert.deepEqual(index.matching("ns", { app: "new" }), []);
  assert.equal(index.get("ns", "t"), undefined, "an empty selector manages nothing and is not kept");
  index.delete("ns", "never-filed");
});
