import assert from "node:assert/strict";
import { test } from "node:test";
import { dnsRoute, recordOwner } from "../../../test/support/routes.ts";
import type { Route, RouteTable } from "../routes/model.ts";
import type { ServingCertificate } from "../tls/certificate.ts";
import { compileLookups, type Lookup, type RequestView, type Routing, route } from "./lookup.ts";

/** A routing result without the live route or host it points at (for deepEqual). */
function bare(r: Routing): Record<string, unknown> {
  const { at: _at, host: _host, ...rest } = r as Routing & { at?: unknown; host?: unknown };
  return rest;
}
const routed = (l: Lookup, r: RequestView): Record<string, unknown> => bare(route(l, r));

/** A GET without headers to `name` + `url` on plain HTTP port 80. */
function req(
  name: string,
  url: string,
  extra: Partial<RequestView> & { headers?: Record<string, string> } = {},
): RequestView {
  const headers = extra.headers ?? {};
  return { name, url, method: "GET", scheme: "http", port: 80, header: (n) => headers[n], ...extra };
}

const { plain: lookup } = compileLookups({
  hosts: [
    {
      host: "node1.com",
      routes: [
        dnsRoute({ prefix: "/service1/deep", record: "d/r", backends: [{ ip: "10.0.0.9", port: 9 }] }),
        dnsRoute({
          prefix: "/service1",
          record: "d/r",
          backends: [
            { ip: "10.0.0.1", port: 1 },
            { ip: "10.0.0.2", port: 2 },
          ],
        }),
        dnsRoute({ prefix: "/down", record: "d/r", backends: [], unavailable: "why" }),
      ],
    },
  ],
  outcomes: [],
});

test("unknown host, unmatched path, route without backends", () => {
  assert.equal(route(lookup, req("other.com", "/service1")).type, "no-host");
  assert.equal(route(lookup, req("", "/service1")).type, "no-host");
  assert.equal(route(lookup, req("node1.com", "/service1x")).type, "no-path");
  assert.deepEqual(routed(lookup, req("node1.com", "/down/x")), { type: "unavailable", reason: "why" });
});

test("routes are tried in order, the prefix is stripped, the query string is kept, backends rotate", () => {
  const deep = route(lookup, req("node1.com", "/service1/deep/a?q=1"));
  assert.deepEqual(bare(deep), { type: "route", path: "/a?q=1", backends: [{ ip: "10.0.0.9", port: 9 }] });
  const first = route(lookup, req("node1.com", "/service1?x"));
  const second = route(lookup, req("node1.com", "/service1/t.html"));
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
  const tls = (redirect: boolean) => ({ secret: "d/s", owner: recordOwner("d/r"), certificate, redirect });
  const routes = [dnsRoute({ prefix: "/", record: "d/r", backends: [{ ip: "10.0.0.1", port: 1 }] })];
  const table: RouteTable = {
    hosts: [
      { host: "a.test", routes, tls: tls(true) },
      { host: "b.test", routes, tls: tls(false) },
      { host: "c.test", routes },
    ],
    outcomes: [],
  };
  const { plain, secure } = compileLookups(table, 8443);
  assert.deepEqual(routed(plain, req("a.test", "/x?y=1")), { type: "redirect", location: "https://a.test:8443/x?y=1" });
  assert.equal(route(plain, req("b.test", "/x")).type, "route");
  assert.equal(route(plain, req("c.test", "/x")).type, "route");
  assert.equal(route(secure, req("a.test", "/x")).type, "route");
  assert.equal(route(secure, req("b.test", "/x")).type, "route");
  assert.equal(
    route(secure, req("c.test", "/x")).type,
    "no-host",
    "a host without a certificate is not served over HTTPS",
  );
  assert.deepEqual(routed(compileLookups(table, 443).plain, req("a.test", "/")), {
    type: "redirect",
    location: "https://a.test/",
  });
  const off = compileLookups(table);
  assert.equal(route(off.plain, req("a.test", "/")).type, "route", "no TLS listener: no redirect");
  assert.equal(off.secure.size, 0);
});

const owner = { kind: "HTTPRoute", namespace: "default", name: "r" } as const;
const to = (port: number, weight = 1) => ({ weight, target: `p${port}`, backends: [{ ip: "10.0.0.1", port }] });
const gw = (r: Partial<Route> & Pick<Route, "match">): Route => ({ owner, filters: [], groups: [to(1)], ...r });

test("Exact paths, method, header and query matches; wildcard and catch-all hosts", () => {
  const { plain } = compileLookups({
    hosts: [
      {
        host: "m.test",
        routes: [
          gw({ match: { path: { type: "Exact", value: "/x" } }, groups: [to(10)] }),
          gw({ match: { path: { type: "PathPrefix", value: "/" }, method: "POST" }, groups: [to(11)] }),
          gw({
            match: { path: { type: "PathPrefix", value: "/" }, headers: [{ name: "version", value: "two" }] },
            groups: [to(12)],
          }),
          gw({
            match: { path: { type: "PathPrefix", value: "/" }, queryParams: [{ name: "animal", value: "whale" }] },
            groups: [to(13)],
          }),
          gw({ match: { path: { type: "PathPrefix", value: "/" } }, groups: [to(14)] }),
        ],
      },
      { host: "*.wild.test", routes: [gw({ match: { path: { type: "PathPrefix", value: "/" } }, groups: [to(20)] })] },
      { host: "*", routes: [gw({ match: { path: { type: "PathPrefix", value: "/" } }, groups: [to(30)] })] },
    ],
    outcomes: [],
  });
  const port = (r: ReturnType<typeof route>): number | string => (r.type === "route" ? r.backends[0]!.port : r.type);
  assert.equal(port(route(plain, req("m.test", "/x"))), 10);
  assert.equal(port(route(plain, req("m.test", "/x/"))), 14, "Exact does not match a trailing slash");
  assert.equal(port(route(plain, req("m.test", "/y", { method: "POST" }))), 11);
  assert.equal(port(route(plain, req("m.test", "/y", { headers: { version: "two" } }))), 12);
  assert.equal(
    port(route(plain, req("m.test", "/y", { headers: { version: "Two" } }))),
    14,
    "values are case-sensitive",
  );
  assert.equal(port(route(plain, req("m.test", "/y?animal=whale&x=1"))), 13);
  assert.equal(port(route(plain, req("m.test", "/y?animal=dolphin"))), 14);
  assert.equal(port(route(plain, req("a.wild.test", "/"))), 20);
  assert.equal(port(route(plain, req("a.b.wild.test", "/"))), 20);
  assert.equal(port(route(plain, req("wild.test", "/"))), 30, "a wildcard does not match its own suffix");
  assert.equal(port(route(plain, req("else.test", "/"))), 30);
});

test("weights split traffic in proportion; weight 0 takes none; no weight at all is 500", () => {
  const { plain } = compileLookups({
    hosts: [
      {
        host: "w.test",
        routes: [
          gw({ match: { path: { type: "Exact", value: "/none" } }, groups: [to(1, 0)] }),
          gw({ match: { path: { type: "PathPrefix", value: "/" } }, groups: [to(1, 70), to(2, 30), to(3, 0)] }),
        ],
      },
    ],
    outcomes: [],
  });
  const counts = new Map<number, number>();
  for (let i = 0; i < 1000; i++) {
    const r = route(plain, req("w.test", "/"));
    assert.ok(r.type === "route");
    counts.set(r.backends[0]!.port, (counts.get(r.backends[0]!.port) ?? 0) + 1);
  }
  assert.deepEqual([counts.get(1), counts.get(2), counts.get(3)], [700, 300, undefined]);
  assert.equal(route(plain, req("w.test", "/none")).type, "error");
});

test("a group without ready backends takes no share while another has some; with none left the route is 503", () => {
  const down = (reason: string) => ({ weight: 50, target: reason, backends: [], unavailable: reason });
  const { plain } = compileLookups({
    hosts: [
      {
        host: "d.test",
        routes: [
          gw({ match: { path: { type: "Exact", value: "/some" } }, groups: [down("first"), to(7, 50)] }),
          gw({ match: { path: { type: "Exact", value: "/none" } }, groups: [down("first"), down("second")] }),
        ],
      },
    ],
    outcomes: [],
  });
  for (let i = 0; i < 4; i++) {
    const r = route(plain, req("d.test", "/some"));
    assert.ok(r.type === "route" && r.backends[0]!.port === 7);
  }
  assert.deepEqual(routed(plain, req("d.test", "/none")), { type: "unavailable", reason: "first" });
});

test("an invalid group keeps its weight: its share is 500, even when the other group has no ready backend", () => {
  const bad = { weight: 1, target: "backendRef gone", backends: [], invalid: "Service d/gone not found" };
  const down = { weight: 3, target: "down", backends: [], unavailable: "no endpoints" };
  const { plain } = compileLookups({
    hosts: [
      {
        host: "i.test",
        routes: [
          gw({ match: { path: { type: "Exact", value: "/half" } }, groups: [to(7, 1), bad] }),
          gw({ match: { path: { type: "Exact", value: "/down" } }, groups: [bad, down] }),
          gw({ match: { path: { type: "Exact", value: "/all" } }, groups: [bad] }),
        ],
      },
    ],
    outcomes: [],
  });
  const kinds = (path: string, n: number): string[] =>
    Array.from({ length: n }, () => {
      const r = route(plain, req("i.test", path));
      return r.type === "route" ? `route ${r.backends[0]?.port}` : `${r.type} ${"reason" in r ? r.reason : ""}`;
    });
  assert.deepEqual(kinds("/half", 4).sort(), [
    "error Service d/gone not found",
    "error Service d/gone not found",
    "route 7",
    "route 7",
  ]);
  assert.deepEqual(kinds("/down", 4).sort(), [
    "error Service d/gone not found",
    "unavailable no endpoints",
    "unavailable no endpoints",
    "unavailable no endpoints",
  ]);
  assert.deepEqual(kinds("/all", 2), ["error Service d/gone not found", "error Service d/gone not found"]);
});

test("filters: header edits, URL rewrites and redirects", () => {
  const { plain } = compileLookups({
    hosts: [
      {
        host: "f.test",
        routes: [
          gw({
            match: { path: { type: "PathPrefix", value: "/redirect" } },
            filters: [
              {
                type: "RequestRedirect",
                scheme: "https",
                hostname: "example.org",
                path: { type: "ReplacePrefixMatch", value: "/new" },
                statusCode: 301,
              },
            ],
            groups: [],
          }),
          gw({
            match: { path: { type: "PathPrefix", value: "/same-scheme" } },
            filters: [{ type: "RequestRedirect", statusCode: 302 }],
            groups: [],
          }),
          gw({
            match: { path: { type: "PathPrefix", value: "/prefix/one" } },
            filters: [
              { type: "URLRewrite", hostname: "one.example", path: { type: "ReplacePrefixMatch", value: "/one" } },
              { type: "RequestHeaderModifier", set: [{ name: "x-set", value: "1" }], add: [], remove: ["x-drop"] },
              { type: "ResponseHeaderModifier", set: [], add: [{ name: "x-resp", value: "r" }], remove: [] },
            ],
          }),
          gw({
            match: { path: { type: "PathPrefix", value: "/bad" } },
            filters: [{ type: "RequestHeaderModifier", set: [{ name: "x\r\ny", value: "1" }], add: [], remove: [] }],
          }),
        ],
      },
    ],
    outcomes: [],
  });
  assert.deepEqual(routed(plain, req("f.test", "/redirect/a?b=1")), {
    type: "redirect",
    location: "https://example.org/new/a?b=1",
    status: 301,
  });
  assert.deepEqual(routed(plain, req("f.test", "/same-scheme/x", { port: 8080 })), {
    type: "redirect",
    location: "http://f.test:8080/same-scheme/x",
    status: 302,
  });
  const r = route(plain, req("f.test", "/prefix/one/two?q"));
  assert.ok(r.type === "route");
  assert.equal(r.path, "/one/two?q");
  assert.equal(r.host, "one.example");
  assert.equal(r.request?.length, 1);
  assert.equal(r.response?.length, 1);
  assert.equal(route(plain, req("f.test", "/bad")).type, "error", "a header that would split the head is refused");
});
