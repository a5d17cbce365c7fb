import assert from "node:assert/strict";
import { test } from "node:test";
import type { ServingCertificate } from "../tls/certificate.ts";
import { compileLookups, type Routing, route } from "./lookup.ts";

const { plain: lookup } = compileLookups({
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

/** A routing result without the route or host it points at (compared by the fields that say what to do). */
function bare(r: Routing): Record<string, unknown> {
  const { at: _at, host: _host, ...rest } = r as Routing & { at?: unknown; host?: unknown };
  return rest;
}

test("unknown host, unmatched path, route without backends", () => {
  assert.equal(route(lookup, "other.com", "/service1").type, "no-host");
  assert.equal(route(lookup, "", "/service1").type, "no-host");
  assert.equal(route(lookup, "node1.com", "/service1x").type, "no-path");
  assert.deepEqual(bare(route(lookup, "node1.com", "/down/x")), { type: "unavailable", reason: "why" });
});

test("longest prefix wins, the prefix is stripped, the query string is kept, backends rotate", () => {
  const deep = route(lookup, "node1.com", "/service1/deep/a?q=1");
  assert.deepEqual(bare(deep), { type: "route", path: "/a?q=1", backends: [{ ip: "10.0.0.9", port: 9 }] });
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

test("a host with a certificate is on both listeners; plain HTTP is redirected unless told not to", () => {
  const certificate = {} as ServingCertificate;
  const tls = (redirect: boolean) => ({ secret: "d/s", record: "d/r", certificate, redirect });
  const routes = [{ prefix: "/", record: "d/r", target: "t", backends: [{ ip: "10.0.0.1", port: 1 }] }];
  const table = {
    hosts: [
      { host: "a.test", routes, tls: tls(true) },
      { host: "b.test", routes, tls: tls(false) },
      { host: "c.test", routes },
    ],
    records: [],
  };
  const { plain, secure } = compileLookups(table, 8443);
  assert.deepEqual(bare(route(plain, "a.test", "/x?y=1")), { type: "redirect", location: "https://a.test:8443/x?y=1" });
  assert.equal(route(plain, "b.test", "/x").type, "route");
  assert.equal(route(plain, "c.test", "/x").type, "route");
  assert.equal(route(secure, "a.test", "/x").type, "route");
  assert.equal(route(secure, "b.test", "/x").type, "route");
  assert.equal(route(secure, "c.test", "/x").type, "no-host", "a host without a certificate is not served over HTTPS");
  assert.deepEqual(bare(route(compileLookups(table, 443).plain, "a.test", "/")), {
    type: "redirect",
    location: "https://a.test/",
  });
  const off = compileLookups(table);
  assert.equal(route(off.plain, "a.test", "/").type, "route", "no TLS listener: no redirect");
  assert.equal(off.secure.size, 0);
});
