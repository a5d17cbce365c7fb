import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../api/types.ts";
import type { KeyValue } from "../storage/storage.ts";
import { decodeObject, encodeObject, objectJson } from "./codec.ts";

const kv = (value: string, modRevision = 42): KeyValue => ({ key: "k", value, createRevision: 1, modRevision });

test("objectJson is decodeObject's object as JSON, spliced without parsing when the stored text allows", () => {
  const objects: KubeObject[] = [
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "a", namespace: "n", labels: { x: "y" }, resourceVersion: "7" },
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: {} },
    // A template's metadata nested in spec, and a string value spelling the key.
    {
      kind: "Deployment",
      spec: { template: { metadata: { name: "inner" } }, note: '"metadata":{' },
      apiVersion: "apps/v1",
      metadata: { name: "d" },
    } as KubeObject,
  ];
  for (const obj of objects) {
    const stored = kv(encodeObject(obj));
    assert.ok(stored.value.indexOf('"metadata":{') < stored.value.indexOf("{", 1) + 1, "metadata comes first");
    assert.deepEqual(JSON.parse(objectJson(stored)), decodeObject(stored));
  }
  // Text stored before metadata came first (nested metadata ahead of it) is parsed instead.
  const legacy = kv('{"spec":{"template":{"metadata":{"name":"inner"}}},"metadata":{"name":"d"}}');
  assert.equal(JSON.parse(objectJson(legacy)).metadata.resourceVersion, "42");
  assert.equal(JSON.parse(objectJson(legacy)).spec.template.metadata.resourceVersion, undefined);
});
