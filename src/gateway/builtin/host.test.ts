import assert from "node:assert/strict";
import { test } from "node:test";
import { routingName } from "./host.ts";

test("port, one trailing dot and case do not matter; IP literals keep their brackets", () => {
  assert.equal(routingName("Node1.COM:8080"), "node1.com");
  assert.equal(routingName("node1.com."), "node1.com");
  assert.equal(routingName("node1.com.:80"), "node1.com");
  assert.equal(routingName("node1.com:"), "node1.com");
  assert.equal(routingName("127.0.0.1:80"), "127.0.0.1");
  assert.equal(routingName("[::1]:8080"), "[::1]");
  assert.equal(routingName("[FD00::A]"), "[fd00::a]");
  assert.equal(routingName("a_b.test"), "a_b.test");
  assert.equal(routingName("a,b.test"), "a,b.test", "sub-delims are reg-name characters (nginx routes them too)");
  assert.equal(routingName("smug%2etest"), "smug%2etest");
});

test("values that are no uri-host [: port] are undefined (400)", () => {
  const bad = [
    "",
    ".",
    ":80",
    "smug.test, evil.test",
    "smug.test evil.test",
    "u@smug.test",
    "smug.test/x",
    "smug.test\\x",
    "smug..test",
    "smug.test:8x",
    "smug.test:80:80",
    'smug.test"',
    "smug.test\t",
    "sm\0ug.test",
    "sm\u00e9ug.test",
    "[::1",
    "[]",
    "[::1]x",
    "[::1]:8x",
    "[::g]",
  ];
  for (const value of bad) assert.equal(routingName(value), undefined, JSON.stringify(value));
});
