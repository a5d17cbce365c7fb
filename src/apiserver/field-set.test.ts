import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { resourceByPath } from "../api/resources.ts";
import { type ListType, listTypes } from "../api/schemas/merge-keys.ts";
import {
  changedFields,
  displayPath,
  type FieldScope,
  fieldSetOf,
  fromFieldsV1,
  isElement,
  pathKey,
  removeAt,
  sameAt,
  toFieldsV1,
  valueAt,
} from "./field-set.ts";

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

test("changedFields is what comparing both sides' field sets with sameAt gives, for any two objects", () => {
  const lists: Record<string, ListType> = {
    "spec.ports": { type: "map", keys: ["port", "protocol"], defaults: {} },
    "spec.tags": { type: "set" },
    "metadata.finalizers": { type: "set" },
    "status.conditions": { type: "map", keys: ["type"], defaults: {} },
  };
  const small = fc.constantFrom("a", "b", "c");
  const scalar = fc.oneof(small, fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.constant(null));
  const leaf = fc.oneof(scalar, fc.constant({}));
  const json = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: "small" }, leaf, tie("obj"), fc.array(tie("any"), { maxLength: 2 })),
    obj: fc.dictionary(small, tie("any"), { maxKeys: 3 }),
  })).any;
  const port = fc.record(
    { port: fc.integer({ min: 1, max: 3 }), protocol: fc.constantFrom("TCP", "UDP"), name: small, extra: json },
    { requiredKeys: ["port", "protocol"] },
  );
  const condition = fc.record({ type: fc.constantFrom("A", "B"), status: fc.constantFrom("True", "False") });
  const object = fc.record(
    {
      kind: fc.constantFrom("X", "Y"),
      metadata: fc.record(
        {
          name: small,
          labels: fc.dictionary(small, small, { maxKeys: 3 }),
          finalizers: fc.array(small, { maxLength: 3 }),
          managedFields: json,
        },
        { requiredKeys: [] },
      ),
      spec: fc.record(
        {
          // Elements always have their key fields: sameAt reads an element without them as any element.
          ports: fc.oneof(fc.array(port, { maxLength: 3 }), leaf, fc.array(scalar, { maxLength: 2 })),
          tags: fc.array(fc.oneof(small, fc.integer({ min: 0, max: 2 }), json), { maxLength: 3 }),
          x: json,
        },
        { requiredKeys: [] },
      ),
      status: fc.record({ conditions: fc.array(condition, { maxLength: 3 }), phase: json }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const oracle = (old: unknown, next: unknown, scope: FieldScope): [string, boolean][] => {
    const ofNext = fieldSetOf(next, lists, scope);
    const out = new Map<string, boolean>();
    for (const [k, path] of [...ofNext, ...fieldSetOf(old, lists, scope)]) {
      const both = valueAt(old, path) !== undefined && valueAt(next, path) !== undefined;
      if (!sameAt(old, next, path) && !(isElement(path) && both)) out.set(k, ofNext.has(k));
    }
    return [...out].sort();
  };
  // Pairs that share most of their structure (one a variation of the other) as well as unrelated ones.
  const pair = fc.oneof(
    fc.tuple(object, object),
    object.chain((o) =>
      fc.tuple(
        fc.constant(o),
        object.map((p) => ({ ...o, ...p })),
      ),
    ),
    object.chain((o) => fc.tuple(fc.constant(o), fc.constant(structuredClone(o)))),
  );
  fc.assert(
    fc.property(pair, fc.constantFrom<FieldScope>("main", "status"), (generated, scope) => {
      // As the API server has them: parsed JSON (fast-check makes some objects without a prototype).
      const [old, next] = JSON.parse(JSON.stringify(generated)) as [unknown, unknown];
      const got = changedFields(old, next, lists, scope);
      for (const [k, c] of got) assert.equal(pathKey(c.path), k);
      assert.deepEqual([...got].map(([k, c]) => [k, c.inNext] as [string, boolean]).sort(), oracle(old, next, scope));
    }),
    { numRuns: 3000 },
  );
});
