import assert from "node:assert/strict";
import { test } from "node:test";
import { compareVersionPriority } from "./version-priority.ts";

test("versions sort as Kubernetes orders them: GA, beta, alpha, higher first, then other names", () => {
  const shuffled = ["foo10", "v1beta1", "v11alpha2", "v1", "v2", "foo1", "v10beta3", "v12alpha1", "v3beta1", "v10"];
  assert.deepEqual(shuffled.sort(compareVersionPriority), [
    "v10",
    "v2",
    "v1",
    "v10beta3",
    "v3beta1",
    "v1beta1",
    "v12alpha1",
    "v11alpha2",
    "foo1",
    "foo10",
  ]);
});
