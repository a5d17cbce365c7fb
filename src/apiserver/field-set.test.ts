import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../api/resources.ts";
import { listMergeKeys } from "../api/schemas/merge-keys.ts";
import { displayPath, fieldSetOf, fromFieldsV1, removeAt, toFieldsV1, valueAt } from "./field-set.ts";

const KEYS = listMergeKeys(resourceByPath("", "services")!.schema);
const SVC = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "s", namespace: "d", labels: { a: "1" } },
  spec: { selector: {}, ports: [{ port: 53, protocol: "UDP", name: "dns" }, { port: 80 }] },
  status: { loadBalancer: {} },
};

test("a field set names leaves and keyed list elements, never the server's fields", () => {
  assert.deepEqual(
    [...fieldSetOf(SVC, KEYS).keys()],
    [
      "f:metadata/f:labels/f:a",
      "f:spec/f:selector",
      'f:spec/f:ports/k:{"port":53,"protocol":"UDP"}',
      'f:spec/f:ports/k:{"port":53,"protocol":"UDP"}/f:port',
      'f:spec/f:ports/k:{"port":53,"protocol":"UDP"}/f:protocol',
      'f:spec/f:ports/k:{"port":53,"protocol":"UDP"}/f:name',
      'f:spec/f:ports/k:{"port":80,"protocol":"TCP"}',
      'f:spec/f:ports/k:{"port":80,"protocol":"TCP"}/f:port',
    ],
  );
});

test("fieldsV1 trees round-trip, with '.' marking an element", () => {
  const set = fieldSetOf(SVC, KEYS);
  const tree = toFieldsV1(set);
  assert.deepEqual((tree["f:spec"] as any)["f:ports"]['k:{"port":80,"protocol":"TCP"}'], { ".": {}, "f:port": {} });
  assert.deepEqual([...fromFieldsV1(tree).keys()].sort(), [...set.keys()].sort());
});

test("values are read and removed by path; paths print as kubectl shows them", () => {
  const set = fieldSetOf(SVC, KEYS);
  const element = set.get('f:spec/f:ports/k:{"port":80,"protocol":"TCP"}')!;
  assert.deepEqual(valueAt(SVC, element), { port: 80 }, "a defaulted key field matches an absent one");
  assert.equal(displayPath([...element, "f:name"]), '.spec.ports[port=80,protocol="TCP"].name');
  const copy = structuredClone(SVC);
  removeAt(copy, element);
  removeAt(copy, ["f:metadata", "f:labels", "f:a"]);
  removeAt(copy, ["f:spec", "f:nothing", "f:here"]);
  assert.deepEqual(copy.spec.ports, [{ port: 53, protocol: "UDP", name: "dns" }]);
  assert.deepEqual(copy.metadata.labels, {});
});
