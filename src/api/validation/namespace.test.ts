import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultNamespace } from "../defaults/namespace.ts";
import type { KubeObject } from "../types.ts";
import { validateNamespace } from "./namespace.ts";

const ns = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: "v1", kind: "Namespace", metadata, ...extra }) as KubeObject;
const fields = (o: KubeObject) => (defaultNamespace(o), validateNamespace(o).map((c) => c.field));

test("namespace names are DNS-1123 labels; metadata rules apply", () => {
  assert.deepEqual(
    fields(ns({ name: "team-a", labels: { "example.com/owner": "me" }, annotations: { note: "anything; goes" } })),
    [],
  );
  assert.deepEqual(fields(ns({ generateName: "tmp-" })), []);
  const cases: [Record<string, unknown>, string[]][] = [
    [{ name: "a.b" }, ["metadata.name"]],
    [{ name: "A" }, ["metadata.name"]],
    [{ name: "a".repeat(64) }, ["metadata.name"]],
    [{}, ["metadata.name"]],
    [{ generateName: "Bad_" }, ["metadata.generateName"]],
    [{ name: "x", namespace: "default" }, ["metadata.namespace"]],
    [{ name: "x", labels: { "a b": "c" } }, ["metadata.labels"]],
    [{ name: "x", labels: { a: "c d" } }, ["metadata.labels"]],
    [{ name: "x", labels: { a: 1 } }, ["metadata.labels"]],
    [{ name: "x", annotations: { "/x": "y" } }, ["metadata.annotations"]],
    [{ name: "x", annotations: { big: "x".repeat(300 * 1024) } }, ["metadata.annotations"]],
  ];
  for (const [meta, want] of cases) assert.deepEqual(fields(ns(meta)), want, JSON.stringify(meta).slice(0, 80));
  assert.deepEqual(fields(ns({ name: "x" }, { status: { phase: "Gone" } })), ["status.phase"]);
  assert.deepEqual(fields(ns({ name: "x" }, { spec: { finalizers: [1] } })), ["spec.finalizers"]);
  assert.deepEqual(
    validateNamespace({ apiVersion: "v1", kind: "Namespace" } as unknown as KubeObject).map((c) => c.field),
    ["metadata"],
  );
});

test("messages are worded like Kubernetes", () => {
  const [cause] = validateNamespace(ns({ name: "My_Ns" }));
  assert.deepEqual(cause, {
    field: "metadata.name",
    reason: "FieldValueInvalid",
    message:
      "Invalid value: \"My_Ns\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  });
});
