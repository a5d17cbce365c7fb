import assert from "node:assert/strict";
import { test } from "node:test";
import { closest, editDistance } from "./closest.ts";

test("edit distance counts a swap of neighbours as one edit", () => {
  assert.equal(editDistance("wbe", "web"), 1);
  assert.equal(editDistance("web", "web"), 0);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

test("closest suggests a near name and nothing for a far one or the word itself", () => {
  assert.equal(closest("wbe", ["db", "web", "cart"]), "web");
  assert.equal(closest("shpo", ["shop", "default"]), "shop");
  assert.equal(closest("payments", ["web", "db"]), undefined);
  assert.equal(closest("web", ["web"]), undefined);
});
