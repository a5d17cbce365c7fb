import assert from "node:assert/strict";
import { test } from "node:test";
import { editHeaders } from "./header-edits.ts";

test("remove and set drop every field of the name whatever its case; set appends; add appends to a value", () => {
  const out = editHeaders(
    ["Host", "a", "X-Keep", "1", "X-Set", "old", "x-set", "old2", "X-Gone", "z", "X-Add", "first"],
    [{ set: [{ name: "x-set", value: "new" }], add: [{ name: "x-add", value: "second" }], remove: ["x-gone"] }],
  );
  assert.deepEqual(out, ["Host", "a", "X-Keep", "1", "X-Add", "first,second", "x-set", "new"]);
});
