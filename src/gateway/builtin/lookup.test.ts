import assert from "node:assert/strict";
import { test } from "node:test";
import { compileLookup, route } from "./lookup.ts";

const lookup = compileLookup({
  hosts: [
    {
      host: "node1.com",
      routes: [
        { prefix: "/service1/deep", record: "d/r", target: "t", backends: [{ ip: "10.0.0.9", port: 9 }] },
        {
          prefix: "/service1",
          record: "d/r",
          target: "t",
          backends: [
            { ip: "10.0.0.1", port: 1 },
            { ip: "10.0.0.2", port: 2 },
          ],
        },
        { prefix: "/down", record: "d/r", target: "t", backends: [], unavailable: "why" },
      ],
    },
  ],
  records: [],
});

test("unknown host, unmatched path, route without backends", () => {
  assert.equal(route(lookup, "other.com", "/service1").type, "no-host");
  assert.equal(route(lookup, "", "/service1").type, "no-host");
  assert.equal(route(lookup, "node1.com", "/service1x").type, "no-path");
  assert.deepEqual(route(lookup, "node1.com", "/down/x"), { type: "unavailable", reason: "why" });
});

test("longest prefix wins, the prefix is stripped, the query string is kept, backends rotate", () => {
  const deep = route(lookup, "node1.com", "/service1/deep/a?q=1");
  assert.deepEqual(deep, { type: "route", path: "/a?q=1", backends: [{ ip: "10.0.0.9", port: 9 }] });
  const first = route(lookup, "node1.com", "/service1?x");
  const second = route(lookup, "node1.com", "/service1/t.html");
  assert.ok(first.type === "route" && second.type === "route");
  assert.equal(first.path, "/?x");
  assert.equal(second.path, "/t.html");
  assert.deepEqual(
    first.backends.map((b) => b.port),
    [1, 2],
  );
  assert.deepEqual(
    second.backends.map((b) => b.port),
    [2, 1],
  );
});
