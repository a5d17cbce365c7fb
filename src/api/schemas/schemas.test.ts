import assert from "node:assert/strict";
import { test } from "node:test";
import { RESOURCES, resourceByPath } from "../resources.ts";
import { definitionsOf } from "./index.ts";
import { listMergeKeys } from "./merge-keys.ts";
import type { Definition, Schema } from "./types.ts";

const all = definitionsOf(RESOURCES.map((r) => r.schema));

/** Every node under a definition, with its path, refs not followed. */
function* nodes(schema: Schema | Definition, path: string): Generator<[string, Schema | Definition]> {
  yield [path, schema];
  if (schema.type === "object")
    for (const [name, field] of Object.entries(schema.properties)) yield* nodes(field, `${path}.${name}`);
  if (schema.type === "array") yield* nodes(schema.items, `${path}[]`);
  if (schema.type === "map") yield* nodes(schema.values, `${path}{}`);
}

test("every kind in the resource table has a schema: an object with apiVersion, kind and metadata", () => {
  for (const info of RESOURCES) {
    const root = info.schema?.name === undefined ? undefined : all[info.schema.name];
    assert.ok(root, `${info.kind} has no schema: write src/api/schemas/<kind>.ts and name it in src/api/resources.ts`);
    assert.ok(info.schema.name.endsWith(`.${info.kind}`), `${info.kind}'s schema is named ${info.schema.name}`);
    assert.equal(root.type, "object", info.kind);
    if (root.type !== "object") continue;
    for (const field of ["apiVersion", "kind", "metadata"]) assert.ok(root.properties[field], `${info.kind}.${field}`);
  }
});

test("every reference resolves, every field is described, required fields exist, list map keys are fields", () => {
  for (const [name, def] of Object.entries(all)) {
    assert.ok(def.description, `${name} has no description`);
    for (const [path, node] of nodes(def, name)) {
      if (node.type === "ref") assert.ok(all[node.ref], `${path} refers to ${node.ref}, which is not defined`);
      if (node.type === "object") {
        for (const [field, s] of Object.entries(node.properties))
          assert.ok(s.description, `${path}.${field} has no description`);
        for (const r of node.required ?? []) assert.ok(node.properties[r], `${path} requires ${r}, not a field`);
      }
      if (node.type === "array" && node.listMapKeys) {
        assert.ok(node.patchMergeKey === undefined || node.listMapKeys.includes(node.patchMergeKey), path);
        const item = node.items.type === "ref" ? all[node.items.ref] : node.items;
        if (item?.type === "object")
          for (const k of node.listMapKeys) assert.ok(item.properties[k], `${path}: list map key ${k} is not a field`);
      }
    }
  }
});

test("list merge keys come from the schemas' patch merge keys, protocol defaulting to TCP", () => {
  const keys = (group: string, resource: string) => listMergeKeys(resourceByPath(group, resource)!.schema);
  assert.deepEqual(keys("", "services"), {
    "metadata.ownerReferences": { key: "uid" },
    "spec.ports": { key: "port", also: { protocol: "TCP" } },
    "status.conditions": { key: "type" },
  });
  assert.deepEqual(keys("kdns.dev", "dnsrecords"), {
    "metadata.ownerReferences": { key: "uid" },
    "spec.paths": { key: "path" },
    "status.conditions": { key: "type" },
  });
  const pod = keys("", "pods");
  assert.deepEqual(pod["spec.containers"], { key: "name" });
  assert.deepEqual(pod["spec.containers.ports"], { key: "containerPort", also: { protocol: "TCP" } });
  assert.deepEqual(pod["spec.initContainers.env"], { key: "name" });
  assert.deepEqual(pod["spec.containers.volumeMounts"], { key: "mountPath" });
  assert.deepEqual(pod["status.podIPs"], { key: "ip" });
  assert.equal(pod["spec.tolerations"], undefined, "tolerations are atomic, as in Kubernetes");
  assert.deepEqual(keys("", "endpoints"), { "metadata.ownerReferences": { key: "uid" } });
  assert.deepEqual(keys("discovery.k8s.io", "endpointslices"), { "metadata.ownerReferences": { key: "uid" } });
});

test("a name defined twice, differently, is refused", () => {
  const a = { name: "x.A", definitions: { "x.A": { type: "object", description: "a", properties: {} } } } as const;
  const b = { name: "x.A", definitions: { "x.A": { type: "object", description: "b", properties: {} } } } as const;
  assert.throws(() => definitionsOf([a, b]), /schema definition x\.A is defined twice, differently/);
});
