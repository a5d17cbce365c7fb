import assert from "node:assert/strict";
import { test } from "node:test";
import { HostSet, normalizeHost } from "./host-set.ts";

test("a host, names below it, and names elsewhere", () => {
  const set = new HostSet();
  assert.equal(set.match("node1.com").type, "none");
  assert.equal(set.add("node1.com"), true);
  assert.deepEqual(set.match("node1.com"), { type: "host", zone: "node1.com" });
  assert.deepEqual(set.match("x.node1.com"), { type: "missing", zone: "node1.com" });
  assert.deepEqual(set.match("a.b.node1.com"), { type: "missing", zone: "node1.com" });
  assert.deepEqual(set.match("com"), { type: "none" });
  assert.deepEqual(set.match("xnode1.com"), { type: "none" });
  assert.deepEqual(set.match("example.org"), { type: "none" });
});

test("nested hosts: the closest one is the zone, names between are empty non-terminals", () => {
  const set = new HostSet();
  set.add("node1.com");
  set.add("a.b.node1.com");
  assert.deepEqual(set.match("a.b.node1.com"), { type: "host", zone: "a.b.node1.com" });
  assert.deepEqual(set.match("b.node1.com"), { type: "empty", zone: "node1.com" });
  assert.deepEqual(set.match("x.a.b.node1.com"), { type: "missing", zone: "a.b.node1.com" });
  assert.deepEqual(set.match("c.node1.com"), { type: "missing", zone: "node1.com" });
  set.remove("a.b.node1.com");
  assert.deepEqual(set.match("b.node1.com"), { type: "missing", zone: "node1.com" });
  assert.deepEqual(set.match("a.b.node1.com"), { type: "missing", zone: "node1.com" });
});

test("a host named by two records lives until both are gone", () => {
  const set = new HostSet();
  assert.equal(set.add("node1.com"), true);
  assert.equal(set.add("node1.com"), false);
  assert.equal(set.size, 1);
  assert.equal(set.remove("node1.com"), false);
  assert.equal(set.has("node1.com"), true);
  assert.equal(set.remove("node1.com"), true);
  assert.equal(set.has("node1.com"), false);
  assert.equal(set.remove("node1.com"), false);
  assert.equal(set.match("node1.com").type, "none");
});

test("normalizeHost lower-cases and drops the root dot", () => {
  assert.equal(normalizeHost("Node1.COM."), "node1.com");
  assert.equal(normalizeHost("node1.com"), "node1.com");
});

test("a wildcard host stands for names under its suffix at any depth, unless a closer host holds them", () => {
  const set = new HostSet();
  set.add("*.apps.test");
  set.add("db.apps.test");
  assert.deepEqual(set.match("web.apps.test"), { type: "wildcard", zone: "*.apps.test" });
  assert.deepEqual(set.match("a.b.apps.test"), { type: "wildcard", zone: "*.apps.test" });
  assert.deepEqual(set.match("db.apps.test"), { type: "host", zone: "db.apps.test" });
  assert.deepEqual(set.match("x.db.apps.test"), { type: "missing", zone: "db.apps.test" });
  assert.deepEqual(set.match("apps.test"), { type: "none" }, "not the suffix itself");
  set.remove("*.apps.test");
  assert.deepEqual(set.match("web.apps.test"), { type: "none" });
});
