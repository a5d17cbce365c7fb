import assert from "node:assert/strict";
import { test } from "node:test";
import { type FieldSelectable, matchesFields, parseFieldSelector, splitTerms, unescapeValue } from "./fields.ts";
import { ApiError } from "./status.ts";

const obj = (name: string, namespace?: string): FieldSelectable => ({
  metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
});

test("matches name and namespace with = == !=", () => {
  const cases: [string, FieldSelectable, boolean][] = [
    ["", obj("a", "ns"), true],
    ["metadata.name=a", obj("a", "ns"), true],
    ["metadata.name==a", obj("b", "ns"), false],
    ["metadata.name!=a", obj("b", "ns"), true],
    ["metadata.name!=a", obj("a", "ns"), false],
    ["metadata.name=a,metadata.namespace=ns", obj("a", "ns"), true],
    ["metadata.name=a,metadata.namespace=ns", obj("a", "other"), false],
    ["metadata.namespace=", obj("a"), true],
    ["metadata.namespace!=kube-system", obj("a", "default"), true],
    [" metadata.name = a", obj(" a"), true],
    ["metadata.name=a\\,b", obj("a,b"), true],
  ];
  for (const [text, o, want] of cases) {
    assert.equal(matchesFields(parseFieldSelector(text), o), want, `${text} on ${JSON.stringify(o.metadata)}`);
  }
});

test("unsupported fields and bad syntax are 400 BadRequest", () => {
  assert.throws(
    () => parseFieldSelector("spec.clusterIP=1.2.3.4"),
    (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 400);
      assert.equal(e.status.reason, "BadRequest");
      assert.equal(e.message, "field label not supported: spec.clusterIP");
      return true;
    },
  );
  for (const bad of ["metadata.name", "metadata.name=a,", "metadata.name=a\\x", "metadata.name=a=b"]) {
    assert.throws(
      () => parseFieldSelector(bad),
      (e: unknown) => e instanceof ApiError && e.code === 400,
      bad,
    );
  }
});

test("terms split at unescaped commas only and keep their escapes; values unescape \\, \\= \\\\", () => {
  assert.deepEqual(splitTerms("a=x\\,y,b!=z"), ["a=x\\,y", "b!=z"]);
  assert.deepEqual(splitTerms("a=x\\\\,b=y"), ["a=x\\\\", "b=y"]);
  assert.equal(unescapeValue("x\\,y\\=z\\\\", "sel"), "x,y=z\\");
  for (const bad of ["x\\y", "x=y", "x,y"]) {
    assert.throws(
      () => unescapeValue(bad, "sel"),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.message.startsWith("invalid field selector: 'sel'"),
      bad,
    );
  }
});
