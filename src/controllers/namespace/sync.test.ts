import assert from "node:assert/strict";
import { test } from "node:test";
import { type ContentObject, cleanupConditions, planCleanup, sameConditions } from "./sync.ts";

function obj(name: string, state: { deleting?: boolean; finalizers?: string[] } = {}): ContentObject {
  return { name, deleting: state.deleting ?? false, finalizers: state.finalizers ?? [] };
}
const deleting = { deleting: true };

test("an empty namespace is done; otherwise what is not being deleted yet is deleted", () => {
  assert.equal(planCleanup([{ resource: "pods", objects: [] }]).empty, true);
  const plan = planCleanup([
    { resource: "pods", objects: [obj("a"), obj("b", deleting)] },
    { resource: "configmaps", objects: [obj("c", { ...deleting, finalizers: ["x/y", "x/z"] })] },
  ]);
  assert.equal(plan.empty, false);
  assert.deepEqual(plan.deletes, [{ resource: "pods", name: "a" }]);
  assert.deepEqual(
    [...plan.remaining],
    [
      ["pods", 2],
      ["configmaps", 1],
    ],
  );
  assert.deepEqual(
    [...plan.finalizers],
    [
      ["x/y", 1],
      ["x/z", 1],
    ],
  );
});

test("conditions say what is left, in Kubernetes' words, and keep their transition time", () => {
  const plan = planCleanup([
    { resource: "services", objects: [obj("s")] },
    { resource: "configmaps", objects: [obj("c", { ...deleting, finalizers: ["x/y"] })] },
  ]);
  const first = cleanupConditions(plan, [], [], "t1");
  const byType = Object.fromEntries(first.map((c) => [c.type, c]));
  assert.equal(byType.NamespaceContentRemaining?.status, "True");
  assert.equal(
    byType.NamespaceContentRemaining?.message,
    "Some resources are remaining: configmaps has 1 resource instances, services has 1 resource instances",
  );
  assert.equal(
    byType.NamespaceFinalizersRemaining?.message,
    "Some content in the namespace has finalizers remaining: x/y in 1 resource instances",
  );
  assert.equal(byType.NamespaceDeletionContentFailure?.reason, "ContentDeleted");
  const failed = cleanupConditions(plan, ["services"], first, "t2");
  assert.equal(failed.find((c) => c.type === "NamespaceDeletionContentFailure")?.lastTransitionTime, "t2");
  assert.equal(failed.find((c) => c.type === "NamespaceContentRemaining")?.lastTransitionTime, "t1");
  assert.equal(sameConditions(first, cleanupConditions(plan, [], first, "t3")), true);
  assert.equal(sameConditions(first, failed), false);
});
