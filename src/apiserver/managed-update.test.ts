import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../api/resources.ts";
import { listTypes } from "../api/schemas/merge-keys.ts";
import type { KubeObject } from "../api/types.ts";
import { managersAfterUpdate, managersOnCreate } from "./managed-update.ts";

const KEYS = listTypes(resourceByPath("", "configmaps")!.schema);

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

test("a create makes its manager the Update owner of every field it set", () => {
  const out = managersOnCreate({ ...cm({ a: "1" }), data: { k: "v" } }, "kubectl-create", KEYS);
  assert.deepEqual(
    out.map((e) => [e.manager, e.operation, e.apiVersion, e.subresource, e.fieldsV1]),
    [
      [
        "kubectl-create",
        "Update",
        "v1",
        undefined,
        { "f:metadata": { "f:labels": { "f:a": {} } }, "f:data": { "f:k": {} } },
      ],
    ],
  );
  assert.match(out[0]?.time ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test("a write through /status owns status fields in an entry of its own, leaving the main entries alone", () => {
  const pods = listTypes(resourceByPath("", "pods")!.schema);
  const created: KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p" },
    spec: { nodeName: "n" },
    status: { phase: "Pending" },
  };
  const managers = managersOnCreate(created, "kubectl-create", pods);
  const old: KubeObject = { ...created, metadata: { ...created.metadata, managedFields: managers } };
  const next = structuredClone(old);
  next.status = { phase: "Running", podIP: "10.0.0.1" };
  const out = managersAfterUpdate(old, next, "kubelet", pods, "status");
  assert.deepEqual(
    out?.map((e) => [e.manager, e.subresource, e.fieldsV1]),
    [
      ["kubectl-create", undefined, { "f:spec": { "f:nodeName": {} } }],
      ["kubelet", "status", { "f:status": { "f:phase": {}, "f:podIP": {} } }],
    ],
  );
});
