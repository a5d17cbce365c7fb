import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../api/resources.ts";
import { listMergeKeys } from "../api/schemas/merge-keys.ts";
import type { KubeObject } from "../api/types.ts";
import { managersAfterUpdate } from "./managed-update.ts";

const KEYS = listMergeKeys(resourceByPath("", "configmaps")!.schema);

function cm(labels: Record<string, string>, managedFields?: unknown): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c", labels, ...(managedFields ? { managedFields } : {}) },
  };
}
const applied = [
  {
    manager: "alice",
    operation: "Apply",
    apiVersion: "v1",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:metadata": { "f:labels": { "f:a": {}, "f:b": {} } } },
  },
];

test("a plain write takes the fields it changes from the appliers; unchanged fields stay theirs", () => {
  const old = cm({ a: "1", b: "1" }, applied);
  const next = cm({ a: "2", b: "1", c: "1" }, applied);
  const out = managersAfterUpdate(old, next, "kubectl-label", KEYS);
  assert.deepEqual(
    out?.map((e) => [e.manager, e.operation, e.fieldsV1]),
    [
      ["alice", "Apply", { "f:metadata": { "f:labels": { "f:b": {} } } }],
      ["kubectl-label", "Update", { "f:metadata": { "f:labels": { "f:a": {}, "f:c": {} } } }],
    ],
  );
});

test("nothing is recorded for objects nobody applied, unchanged writes, or managedFields the client wrote", () => {
  assert.equal(managersAfterUpdate(cm({ a: "1" }), cm({ a: "2" }), "x", KEYS), undefined);
  assert.equal(managersAfterUpdate(cm({ a: "1" }, applied), cm({ a: "1" }, applied), "x", KEYS), undefined);
  assert.equal(managersAfterUpdate(cm({ a: "1" }, applied), cm({ a: "2" }, []), "x", KEYS), undefined);
});

test("a removed field leaves every manager", () => {
  const out = managersAfterUpdate(cm({ a: "1", b: "1" }, applied), cm({ b: "1" }, applied), "kubectl-edit", KEYS);
  assert.deepEqual(
    out?.map((e) => e.manager),
    ["alice"],
  );
  assert.deepEqual(out?.[0]?.fieldsV1, { "f:metadata": { "f:labels": { "f:b": {} } } });
});
