import assert from "node:assert/strict";
import { test } from "node:test";
import { hostCovers, intersectHostname, routeHostsOnListener } from "./gateway-api-hostnames.ts";

test("intersection as the Gateway API spec's examples state it", () => {
  assert.equal(intersectHostname(undefined, "foo.example.com"), "foo.example.com");
  assert.equal(intersectHostname("foo.example.com", "foo.example.com"), "foo.example.com");
  assert.equal(intersectHostname("*.example.com", "foo.example.com"), "foo.example.com");
  assert.equal(intersectHostname("*.example.com", "a.b.example.com"), "a.b.example.com");
  assert.equal(intersectHostname("*.example.com", "example.com"), undefined);
  assert.equal(intersectHostname("foo.example.com", "*.example.com"), "foo.example.com");
  assert.equal(intersectHostname("*.foo.example.com", "*.example.com"), "*.foo.example.com");
  assert.equal(intersectHostname("*.example.com", "*.foo.example.com"), "*.foo.example.com");
  assert.equal(intersectHostname("bar.example.com", "foo.example.com"), undefined);
  assert.equal(intersectHostname("*.example.com", "foo.example.net"), undefined);
  assert.equal(intersectHostname("*.example.com", "fooexample.com"), undefined);
});

test("a route's hosts on a listener; none on both sides is the catch-all", () => {
  assert.deepEqual(routeHostsOnListener(undefined, []), ["*"]);
  assert.deepEqual(routeHostsOnListener("*.example.com", []), ["*.example.com"]);
  assert.deepEqual(routeHostsOnListener("*.example.com", ["a.example.com", "b.other.com", "*.example.com"]), [
    "a.example.com",
    "*.example.com",
  ]);
  assert.deepEqual(routeHostsOnListener("very.specific.com", ["non.matching.com", "*.nonmatchingwildcard.io"]), []);
});

test("request hosts covered by exact, wildcard and catch-all hosts", () => {
  assert.ok(hostCovers("*", "anything.test"));
  assert.ok(hostCovers("*.example.com", "a.b.example.com"));
  assert.ok(!hostCovers("*.example.com", "example.com"));
  assert.ok(hostCovers("a.com", "a.com"));
  assert.ok(!hostCovers("a.com", "b.a.com"));
});
