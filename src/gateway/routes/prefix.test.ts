import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizePrefix, prefixMatches } from "./prefix.ts";

test("Ingress Prefix matching is by whole path elements", () => {
  const cases: [string, string, boolean][] = [
    ["/service1", "/service1", true],
    ["/service1", "/service1/", true],
    ["/service1", "/service1/x/y", true],
    ["/service1", "/service1x", false],
    ["/service1", "/service", false],
    ["/aaa/bbb", "/aaa/bbbxyz", false],
    ["/aaa/bbb", "/aaa/bbb/ccc", true],
    ["/", "/anything", true],
    ["/", "/", true],
  ];
  for (const [prefix, path, want] of cases) assert.equal(prefixMatches(prefix, path), want, `${prefix} vs ${path}`);
});

test("a trailing slash in the prefix is ignored", () => {
  assert.equal(normalizePrefix("/aaa/bbb/"), "/aaa/bbb");
  assert.equal(normalizePrefix("/"), "/");
});
