/**
 * The routes model's matching and filters, served by both engines from one table built from
 * route sources (so the builder's precedence is exercised too): Exact and PathPrefix paths,
 * method, header and query matches with their fallbacks, weighted groups, header modifiers, URL
 * rewrites, redirects, wildcard and catch-all hosts. The same requests must get the same answers
 * through the built-in proxy and through kdns-managed nginx. HTTPRoute-level scenarios build on
 * the same sources (see source.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildRouteTable } from "../../src/gateway/routes/build.ts";
import type { PathMatch, RouteFilter, RouteMatch } from "../../src/gateway/routes/model.ts";
import type { OwnerRoutes, SourceRoute } from "../../src/gateway/routes/source.ts";
import { TEXT } from "../../src/gateway/texts.ts";
import { startTestEngine, type TestEngine } from "../support/gateway-engine.ts";
import { type Echo, http, startEcho } from "./gateway-harness.ts";

type EchoServer = Awaited<ReturnType<typeof startEcho>>;

const prefix = (value: string): PathMatch => ({ type: "PathPrefix", value });
const exact = (value: string): PathMatch => ({ type: "Exact", value });

for (const kind of ["builtin", "nginx"] as const) {
  describe(`routes conformance: ${kind}`, () => {
    let gw: TestEngine;
    const echos: Record<"A" | "B" | "C", EchoServer> = {} as Record<"A" | "B" | "C", EchoServer>;
    const get = (host: string, path: string, init: Parameters<typeof http>[3] = {}) =>
      http(gw.port, host, path, { address: gw.host, ...init });
    const echo = (body: string): Echo => JSON.parse(body) as Echo;

    before(async () => {
      for (const n of ["A", "B", "C"] as const) echos[n] = await startEcho(n);
      const to = (n: "A" | "B" | "C", weight = 1) => ({
        type: "address" as const,
        ip: "127.0.0.1",
        port: echos[n].port,
        weight,
      });
      const r = (
        host: string,
        match: RouteMatch,
        backends: SourceRoute["backends"],
        filters: RouteFilter[] = [],
      ): SourceRoute => ({ host, path: match.path.value, match, filters, backends });
      const older: OwnerRoutes = {
        owner: { kind: "HTTPRoute", namespace: "default", name: "older" },
        created: "2024-01-01T00:00:00Z",
        tls: [],
        routes: [
          r("m.test", { path: prefix("/") }, [to("C")]),
          r("m.test", { path: exact("/exact") }, [to("A")]),
          r("m.test", { path: prefix("/pass") }, [to("A")]),
          r("m.test", { path: prefix("/m"), method: "POST" }, [to("B")]),
          r("m.test", { path: prefix("/h"), headers: [{ name: "version", value: "two" }] }, [to("B")]),
          r("m.test", { path: prefix("/h/deeper"), headers: [{ name: "x-deep", value: "1" }] }, [to("A")]),
          r("m.test", { path: prefix("/q"), queryParams: [{ name: "animal", value: "whale" }] }, [to("B")]),
          r("m.test", { path: prefix("/w") }, [to("A", 70), to("B", 30), to("C", 0)]),
          r("m.test", { path: prefix("/zero") }, [to("A", 0)]),
          r(
            "m.test",
            { path: prefix("/rh") },
            [to("A")],
            [
              {
                type: "RequestHeaderModifier",
                set: [{ name: "x-set", value: "set-value" }],
                add: [{ name: "x-add", value: "added" }],
                remove: ["x-remove"],
              },
              {
                type: "ResponseHeaderModifier",
                set: [{ name: "x-backend", value: "gateway" }],
                add: [{ name: "x-extra", value: "1" }],
                remove: [],
              },
            ],
          ),
          r(
            "m.test",
            { path: prefix("/prefix/one") },
            [to("A")],
            [
              {
                type: "URLRewrite",
                hostname: "rewritten.example",
                path: { type: "ReplacePrefixMatch", value: "/one" },
              },
            ],
          ),
          r(
            "m.test",
            { path: prefix("/full") },
            [to("A")],
            [{ type: "URLRewrite", path: { type: "ReplaceFullPath", value: "/one" } }],
          ),
          r(
            "m.test",
            { path: prefix("/redir") },
            [],
            [{ type: "RequestRedirect", scheme: "https", hostname: "example.org", statusCode: 301 }],
          ),
          r(
            "m.test",
            { path: prefix("/moved") },
            [],
            [{ type: "RequestRedirect", path: { type: "ReplacePrefixMatch", value: "/new" }, statusCode: 302 }],
          ),
          r("m.test", { path: prefix("/port80") }, [], [{ type: "RequestRedirect", port: 80, statusCode: 307 }]),
          r(
            "m.test",
            { path: prefix("/port8080") },
            [],
            [{ type: "RequestRedirect", hostname: "other.example", port: 8080, statusCode: 308 }],
          ),
          r("*.wild.test", { path: prefix("/") }, [to("A")]),
          r("*", { path: prefix("/") }, [to("C")]),
        ],
      };
      // A newer owner claiming an identical match loses it; its other route is served after the older ones.
      const newer: OwnerRoutes = {
        owner: { kind: "Ingress", namespace: "default", name: "newer" },
        created: "2024-02-01T00:00:00Z",
        tls: [],
        routes: [r("m.test", { path: exact("/exact") }, [to("B")]), r("m.test", { path: prefix("/newer") }, [to("B")])],
      };
      const table = buildRouteTable({ sources: [newer, older], services: [], endpoints: [] });
      gw = await startTestEngine(kind, table);
    });
    after(async () => {
      await gw?.close();
      for (const e of Object.values(echos)) await e?.close();
    });

    const served = async (host: string, path: string, init: Parameters<typeof http>[3] = {}) => {
      const reply = await get(host, path, init);
      assert.equal(reply.status, 200, `${host}${path}: ${reply.body}`);
      const e = echo(reply.body);
      return [e.name, e.url];
    };

    test("Exact matches only the path itself; PathPrefix passes the path unchanged; the older owner wins", async () => {
      assert.deepEqual(await served("m.test", "/exact"), ["A", "/exact"]);
      assert.deepEqual(await served("m.test", "/exact/"), ["C", "/exact/"]);
      assert.deepEqual(await served("m.test", "/pass/x/y?q=1&r=%20"), ["A", "/pass/x/y?q=1&r=%20"]);
      assert.deepEqual(await served("m.test", "/pass"), ["A", "/pass"]);
      assert.deepEqual(await served("m.test", "/passx"), ["C", "/passx"]);
      assert.deepEqual(await served("m.test", "/newer/a"), ["B", "/newer/a"]);
    });

    test("method, header and query matches; without a match the next route by precedence serves", async () => {
      assert.deepEqual(await served("m.test", "/m", { method: "POST", body: "x" }), ["B", "/m"]);
      assert.deepEqual(await served("m.test", "/m"), ["C", "/m"]);
      assert.deepEqual(await served("m.test", "/h/x", { headers: { version: "two" } }), ["B", "/h/x"]);
      assert.deepEqual(await served("m.test", "/h/x", { headers: { version: "Two" } }), ["C", "/h/x"]);
      assert.deepEqual(await served("m.test", "/h"), ["C", "/h"]);
      assert.deepEqual(await served("m.test", "/h/deeper/z", { headers: { "x-deep": "1" } }), ["A", "/h/deeper/z"]);
      assert.deepEqual(await served("m.test", "/h/deeper/z", { headers: { version: "two" } }), ["B", "/h/deeper/z"]);
      assert.deepEqual(await served("m.test", "/h/deeper/z"), ["C", "/h/deeper/z"]);
      assert.deepEqual(await served("m.test", "/q?animal=whale"), ["B", "/q?animal=whale"]);
      assert.deepEqual(await served("m.test", "/q?x=1&animal=whale"), ["B", "/q?x=1&animal=whale"]);
      assert.deepEqual(await served("m.test", "/q?animal=dolphin"), ["C", "/q?animal=dolphin"]);
    });

    test("weighted backends split 1,000 requests within 5 points of their weights; weight 0 takes none", async () => {
      const counts: Record<string, number> = { A: 0, B: 0, C: 0 };
      for (let i = 0; i < 1000; i++) {
        const [name] = await served("m.test", "/w");
        counts[name as string] = (counts[name as string] ?? 0) + 1;
      }
      assert.ok(Math.abs(counts.A! / 10 - 70) <= 5, `A got ${counts.A} of 1000`);
      assert.ok(Math.abs(counts.B! / 10 - 30) <= 5, `B got ${counts.B} of 1000`);
      assert.equal(counts.C, 0);
      const zero = await get("m.test", "/zero");
      assert.deepEqual(
        [zero.status, zero.body],
        [500, `${TEXT.routeError("no backend takes traffic on this route")}\n`],
      );
    });

    test("request and response header modifiers", async () => {
      const reply = await get("m.test", "/rh", { headers: { "x-add": "client", "x-remove": "bye", "x-set": "old" } });
      const e = echo(reply.body);
      assert.equal(e.headers["x-set"], "set-value");
      assert.equal(e.headers["x-add"], "client,added");
      assert.equal(e.headers["x-remove"], undefined);
      assert.equal(reply.headers["x-backend"], "gateway");
      assert.equal(reply.headers["x-extra"], "1");
      const bare = echo((await get("m.test", "/rh")).body);
      assert.equal(bare.headers["x-add"], "added");
    });

    test("URL rewrites: host and prefix, full path; redirects", async () => {
      const one = echo((await get("m.test", "/prefix/one/two?a=b")).body);
      assert.deepEqual([one.url, one.headers.host], ["/one/two?a=b", "rewritten.example"]);
      assert.equal(echo((await get("m.test", "/prefix/one")).body).url, "/one");
      assert.equal(echo((await get("m.test", "/full/path?x")).body).url, "/one?x");
      const redir = await get("m.test", "/redir/x?y=1");
      assert.deepEqual([redir.status, redir.headers.location], [301, "https://example.org/redir/x?y=1"]);
      const moved = await get("m.test", "/moved/a");
      assert.deepEqual([moved.status, moved.headers.location], [302, `http://m.test:${gw.port}/new/a`]);
      const to80 = await get("m.test", "/port80?x=1");
      assert.deepEqual(
        [to80.status, to80.headers.location],
        [307, "http://m.test/port80?x=1"],
        "port 80 is http's default",
      );
      const to8080 = await get("m.test", "/port8080");
      assert.deepEqual([to8080.status, to8080.headers.location], [308, "http://other.example:8080/port8080"]);
    });

    test("a wildcard host serves names under it at any depth; the catch-all host serves the rest", async () => {
      assert.deepEqual(await served("a.wild.test", "/x"), ["A", "/x"]);
      assert.deepEqual(await served("a.b.wild.test", "/x"), ["A", "/x"]);
      assert.deepEqual(await served("wild.test", "/x"), ["C", "/x"]);
      assert.deepEqual(await served("other.test", "/x"), ["C", "/x"]);
    });
  });
}
