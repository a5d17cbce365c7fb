import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../../api/resources.ts";
import type { OwnerReference } from "../../api/types.ts";
import type { ObjectNode } from "../object-informers.ts";
import { blocksOwner, dependentAction, dependentPolicy, type OwnerState, ownershipChanged } from "./sync.ts";

const CONFIGMAPS = resourceByPath("", "configmaps")!;

function ref(uid: string, block = false): OwnerReference {
  return { apiVersion: "v1", kind: "ConfigMap", name: uid, uid, ...(block ? { blockOwnerDeletion: true } : {}) };
}
function node(uid: string, owners: OwnerReference[] = [], deleting = false): ObjectNode {
  const base = { uid, info: CONFIGMAPS, namespace: "default", name: uid, resourceVersion: "1" };
  return { ...base, ownerReferences: owners, finalizers: [], deleting };
}
const states = (entries: [string, OwnerState][]): Map<string, OwnerState> => new Map(entries);

test("a dependent whose owners are all gone is deleted; with some left it drops the missing ones", () => {
  const d = node("d", [ref("a"), ref("b")]);
  assert.deepEqual(
    dependentAction(
      d,
      states([
        ["a", "solid"],
        ["b", "solid"],
      ]),
      false,
    ),
    { type: "none" },
  );
  assert.deepEqual(
    dependentAction(
      d,
      states([
        ["a", "dangling"],
        ["b", "dangling"],
      ]),
      false,
    ),
    {
      type: "delete",
      propagationPolicy: "Background",
    },
  );
  assert.deepEqual(
    dependentAction(
      d,
      states([
        ["a", "solid"],
        ["b", "dangling"],
      ]),
      false,
    ),
    {
      type: "set-owners",
      ownerReferences: [ref("a")],
    },
  );
  assert.deepEqual(dependentAction(node("x"), new Map(), false), { type: "none" }, "no owners: not garbage");
  assert.deepEqual(dependentAction(node("y", [ref("a")], true), states([["a", "dangling"]]), false), {
    type: "none",
  });
});

test("owners deleted in the foreground: their dependents go in the foreground, or stop blocking them", () => {
  const d = node("d", [ref("a", true)]);
  assert.deepEqual(dependentAction(d, states([["a", "waiting"]]), true), {
    type: "delete",
    propagationPolicy: "Foreground",
  });
  assert.deepEqual(dependentAction(d, states([["a", "waiting"]]), false), {
    type: "delete",
    propagationPolicy: "Background",
  });
  const two = node("d", [ref("a", true), ref("b")]);
  assert.deepEqual(
    dependentAction(
      two,
      states([
        ["a", "waiting"],
        ["b", "solid"],
      ]),
      false,
    ),
    {
      type: "set-owners",
      ownerReferences: [{ ...ref("a"), blockOwnerDeletion: false }, ref("b")],
    },
  );
  assert.equal(blocksOwner(d, "a"), true);
  assert.equal(blocksOwner(node("e", [ref("a")]), "a"), false);
  assert.equal(dependentPolicy(d, "a", true), "Foreground");
  assert.equal(dependentPolicy(d, "a", false), "Background");
});

test("only a change of owners, finalizers or deletion queues an object: a status write does not", () => {
  const before = node("d", [ref("a", true)]);
  assert.equal(ownershipChanged(before, { ...before, resourceVersion: "2" }), false, "another resourceVersion only");
  assert.equal(ownershipChanged(before, { ...before, ownerReferences: [ref("a")] }), true, "blockOwnerDeletion");
  assert.equal(ownershipChanged(before, { ...before, ownerReferences: [] }), true, "owner removed");
  assert.equal(ownershipChanged(before, { ...before, finalizers: ["f"] }), true, "finalizer added");
  assert.equal(ownershipChanged(before, { ...before, deleting: true }), true, "deletion began");
});
