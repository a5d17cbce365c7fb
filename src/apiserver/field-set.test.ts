import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceByPath } from "../api/resources.ts";
import { listTypes } from "../api/schemas/merge-keys.ts";
import { displayPath, fieldSetOf, fromFieldsV1, removeAt, toFieldsV1, valueAt } from "./field-set.ts";

const KEYS = listTypes(resourceByPath("", "services")!.schema);
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

test("set lists track each member by value; map lists without a patch merge key by their list map keys", () => {
  const cm = {
    metadata: { name: "c", finalizers: ["example.com/a", "example.com/b"] },
    data: { k: "v" },
  };
  const set = fieldSetOf(cm, listTypes(resourceByPath("", "configmaps")!.schema));
  assert.deepEqual(
    [...set.keys()],
    ['f:metadata/f:finalizers/v:"example.com/a"', 'f:metadata/f:finalizers/v:"example.com/b"', "f:data/f:k"],
  );
  assert.deepEqual((toFieldsV1(set)["f:metadata"] as any)["f:finalizers"], {
    'v:"example.com/a"': {},
    'v:"example.com/b"': {},
  });
  const member = set.get('f:metadata/f:finalizers/v:"example.com/b"')!;
  assert.equal(displayPath(member), '.metadata.finalizers[="example.com/b"]');
  assert.equal(valueAt(cm, member), "example.com/b");
  const copy = structuredClone(cm);
  removeAt(copy, member);
  assert.deepEqual(copy.metadata.finalizers, ["example.com/a"]);

  const gw = { spec: { listeners: [{ name: "web", port: 80, protocol: "HTTP" }] } };
  const gwSet = fieldSetOf(gw, listTypes(resourceByPath("gateway.networking.k8s.io", "gateways")!.schema));
  assert.ok(gwSet.has('f:spec/f:listeners/k:{"name":"web"}/f:port'), [...gwSet.keys()].join(" "));
});

test("the status scope holds status fields only; the main scope none of them", () => {
  assert.deepEqual([...fieldSetOf(SVC, KEYS, "status").keys()], ["f:status/f:loadBalancer"]);
  assert.ok(![...fieldSetOf(SVC, KEYS).keys()].some((k) => k.startsWith("f:status")));
});
