import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { planDeletion } from "./delete-plan.ts";

const PODS = resourceByPath("", "pods")!;
const CONFIGMAPS = resourceByPath("", "configmaps")!;
const NAMESPACES = resourceByPath("", "namespaces")!;
const NOW = Date.parse("2026-01-01T00:00:00Z");

function obj(metadata: Record<string, unknown>, rest: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind: "X", metadata: { name: "x", ...metadata }, ...rest };
}
const scheduled = { spec: { nodeName: "n1", containers: [] } };

test("an object without finalizers or grace period is removed at once", () => {
  assert.deepEqual(planDeletion(CONFIGMAPS, obj({}), {}, NOW), { type: "remove" });
  assert.deepEqual(planDeletion(PODS, obj({}, { spec: { containers: [] } }), {}, NOW), { type: "remove" });
  assert.deepEqual(
    planDeletion(PODS, obj({}, { ...scheduled, status: { phase: "Succeeded" } }), {}, NOW),
    { type: "remove" },
    "a finished pod has nothing to stop",
  );
});

test("finalizers hold an object: marked now with grace 0; propagation adds the collector's finalizer", () => {
  const held = planDeletion(CONFIGMAPS, obj({ finalizers: ["a/b"] }), {}, NOW);
  assert.equal(held.type, "mark");
  assert.equal(held.type === "mark" && held.obj.metadata.deletionTimestamp, "2026-01-01T00:00:00Z");
  assert.equal(held.type === "mark" && held.obj.metadata["deletionGracePeriodSeconds"], 0);
  const fg = planDeletion(CONFIGMAPS, obj({}), { propagationPolicy: "Foreground" }, NOW);
  assert.deepEqual(fg.type === "mark" && fg.obj.metadata["finalizers"], ["foregroundDeletion"]);
  const orphan = planDeletion(
    CONFIGMAPS,
    obj({ finalizers: ["foregroundDeletion"] }),
    { propagationPolicy: "Orphan" },
    NOW,
  );
  assert.deepEqual(
    orphan.type === "mark" && orphan.obj.metadata["finalizers"],
    ["orphan"],
    "the policies exclude each other",
  );
});

test("deleting again switches the collector's finalizer, or removes once nothing holds it", () => {
  const marked = obj({
    finalizers: ["foregroundDeletion"],
    deletionTimestamp: "2026-01-01T00:00:00Z",
    deletionGracePeriodSeconds: 0,
  });
  const orphan = planDeletion(CONFIGMAPS, marked, { propagationPolicy: "Orphan" }, NOW);
  assert.deepEqual(orphan.type === "mark" && orphan.obj.metadata["finalizers"], ["orphan"]);
  assert.deepEqual(planDeletion(CONFIGMAPS, marked, { propagationPolicy: "Background" }, NOW), { type: "remove" });
  assert.deepEqual(planDeletion(CONFIGMAPS, marked, {}, NOW), { type: "unchanged" });
});

test("a running pod is deleted gracefully: terminationGracePeriodSeconds, then a delete at 0 removes it", () => {
  const pod = obj({}, { spec: { ...scheduled.spec, terminationGracePeriodSeconds: 10 } });
  const first = planDeletion(PODS, pod, {}, NOW);
  assert.equal(first.type, "mark");
  if (first.type !== "mark") return;
  assert.equal(first.obj.metadata.deletionTimestamp, "2026-01-01T00:00:10Z");
  assert.equal(first.obj.metadata["deletionGracePeriodSeconds"], 10);
  assert.deepEqual(
    planDeletion(PODS, first.obj, {}, NOW + 1000),
    { type: "unchanged" },
    "a longer grace changes nothing",
  );
  const shorter = planDeletion(PODS, first.obj, { gracePeriodSeconds: 5 }, NOW + 1000);
  assert.equal(shorter.type === "mark" && shorter.obj.metadata.deletionTimestamp, "2026-01-01T00:00:05Z");
  assert.deepEqual(planDeletion(PODS, first.obj, { gracePeriodSeconds: 0 }, NOW + 1000), { type: "remove" });
  assert.equal(planDeletion(PODS, obj({}, scheduled), {}, NOW).type === "mark", true, "30 s by default");
});

test("a namespace turns Terminating while spec.finalizers holds it; deleting it again is a conflict", () => {
  const ns = obj({}, { spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
  const marked = planDeletion(NAMESPACES, ns, {}, NOW);
  assert.equal(marked.type, "mark");
  if (marked.type !== "mark") return;
  assert.deepEqual(marked.obj["status"], { phase: "Terminating" });
  assert.deepEqual(planDeletion(NAMESPACES, marked.obj, {}, NOW), { type: "namespace-terminating" });
  assert.deepEqual(planDeletion(NAMESPACES, obj({}, { spec: { finalizers: [] } }), {}, NOW), { type: "remove" });
});
