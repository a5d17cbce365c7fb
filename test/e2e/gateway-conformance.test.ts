/**
 * One conformance suite, run against both gateway engines (the Hono router pattern): the same
 * requests must give the same statuses, paths, headers and bodies through the built-in proxy and
 * through kdns-managed nginx. This file drives them through the API with DNSRecords; the routes
 * model's matches, weights and filters are driven from route sources in
 * gateway-routes-conformance.test.ts, and Ingresses in gateway-ingress.test.ts.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import type { DNSRecord, Endpoints, Service } from "../../src/api/types.ts";
import { TEXT } from "../../src/gateway/texts.ts";
import { freePort } from "../support/free-port.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  DNSRECORDS,
  dnsRecord,
  type Echo,
  ENDPOINTS,
  type GatewayHarness,
  http,
  SERVICES,
  startEcho,
  startGatewayHarness,
} from "./gateway-harness.ts";

type EchoServer = Awaited<ReturnType<typeof startEcho>>;

for (const engine of ["builtin", "nginx"] as const) {
  describe(`gateway conformance: ${engine}`, () => {
    let h: GatewayHarness;
    let a: EchoServer;
    let b: EchoServer;
    const echo = (body: string): Echo => JSON.parse(body) as Echo;
    const get = (host: string, path: string) => http(h.port, host, path);
    const create = (r: DNSRecord) => h.client.create<DNSRecord>(DNSRECORDS, "default", r);

    before(async () => {
      h = await startGatewayHarness(engine);
      a = await startEcho("A");
      b = await startEcho("B");
    });
    after(async () => {
      await h?.close();
      await a?.close();
      await b?.close();
    });

    test("Ingress Prefix routing: whole path elements, longest prefix wins, prefix stripped, query kept; 404s", async () => {
      await create(
        dnsRecord("prefix", "conf.test", [
          { path: "/a", address: "127.0.0.1", port: a.port },
          { path: "/a/b/", address: "127.0.0.1", port: b.port },
        ]),
      );
      await h.served("prefix");
      await waitFor(async () => (await get("conf.test", "/a")).status === 200, { what: "route live" });
      const cases: [string, string, string][] = [
        ["/a", "A", "/"],
        ["/a/", "A", "/"],
        ["/a/x/y.html?q=1&r=%20", "A", "/x/y.html?q=1&r=%20"],
        ["/a/b", "B", "/"],
        ["/a/b/c", "B", "/c"],
        ["/a/bc", "A", "/bc"],
      ];
      for (const [path, name, url] of cases) {
        const r = await get("conf.test", path);
        assert.equal(r.status, 200, path);
        const e = echo(r.body);
        assert.deepEqual([e.name, e.url], [name, url], path);
      }
      const noPath = await get("conf.test", "/ax");
      assert.deepEqual([noPath.status, noPath.body], [404, `${TEXT.noPath}\n`]);
      const noHost = await get("unknown.test", "/a");
      assert.deepEqual([noHost.status, noHost.body], [404, `${TEXT.noHost}\n`]);
      assert.equal((await get("CONF.test", "/a")).status, 200, "host names are case-insensitive");
    });

    test("methods, headers and bodies pass through; X-Forwarded-* and X-Real-IP are set", async () => {
      const r = await http(h.port, `conf.test:${h.port}`, "/a/form", {
        method: "PATCH",
        headers: { "x-custom": "yes", "content-type": "text/plain" },
        body: "hello body",
      });
      assert.equal(r.status, 200);
      const e = echo(r.body);
      assert.equal(e.method, "PATCH");
      assert.equal(e.body, "hello body");
      assert.equal(e.headers["x-custom"], "yes");
      assert.equal(e.headers.host, `conf.test:${h.port}`);
      assert.equal(e.headers["x-forwarded-host"], `conf.test:${h.port}`);
      assert.equal(e.headers["x-forwarded-for"], "127.0.0.1");
      assert.equal(e.headers["x-real-ip"], "127.0.0.1");
      assert.equal(e.headers["x-forwarded-proto"], "http");
      assert.equal(r.headers["x-backend"], "A", "response headers pass back");
      const chained = echo(
        (await http(h.port, "conf.test", "/a", { headers: { "x-forwarded-for": "203.0.113.9" } })).body,
      );
      assert.equal(chained.headers["x-forwarded-for"], "203.0.113.9, 127.0.0.1");
    });

    test("large bodies stream both ways unchanged", async () => {
      const big = Buffer.alloc(6 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      const r = await http(h.port, "conf.test", "/a/echo-body", {
        method: "POST",
        body: big,
        headers: { "content-type": "application/octet-stream" },
      });
      assert.equal(r.status, 200);
      const sha = (s: Buffer | string): string => createHash("sha256").update(s).digest("hex");
      assert.equal(Buffer.byteLength(r.body, "latin1") > 0, true);
      const raw = await new Promise<Buffer>((resolve, reject) => {
        const sock = connect(h.port, "127.0.0.1", () => {
          sock.write(
            `POST /a/echo-body HTTP/1.1\r\nhost: conf.test\r\ncontent-length: ${big.length}\r\nconnection: close\r\n\r\n`,
          );
          sock.write(big);
        });
        const chunks: Buffer[] = [];
        sock.on("data", (c: Buffer) => chunks.push(c));
        sock.on("end", () => resolve(Buffer.concat(chunks)));
        sock.on("error", reject);
      });
      const headerEnd = raw.indexOf("\r\n\r\n");
      const head = raw.subarray(0, headerEnd).toString();
      let body = raw.subarray(headerEnd + 4);
      if (/transfer-encoding: chunked/i.test(head)) {
        const parts: Buffer[] = [];
        for (let at = 0; ; ) {
          const nl = body.indexOf("\r\n", at);
          const size = parseInt(body.subarray(at, nl).toString(), 16);
          if (!size) break;
          parts.push(body.subarray(nl + 2, nl + 2 + size));
          at = nl + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      }
      assert.match(head, /^HTTP\/1\.1 200/);
      assert.equal(body.length, big.length);
      assert.equal(sha(body), sha(big));
    });

    test("WebSocket upgrade is relayed and the connection becomes a tunnel", async () => {
      const reply = await new Promise<string>((resolve, reject) => {
        const sock = connect(h.port, "127.0.0.1", () => {
          sock.write(
            "GET /a/ws HTTP/1.1\r\nhost: conf.test\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
          );
        });
        let text = "";
        let sent = false;
        sock.on("data", (c: Buffer) => {
          text += c.toString();
          if (!sent && text.includes("\r\n\r\n")) {
            sent = true;
            sock.write("ping-through-tunnel");
          }
          if (text.includes("ping-through-tunnel")) {
            sock.destroy();
            resolve(text);
          }
        });
        sock.on("error", reject);
        setTimeout(() => reject(new Error(`no tunnel echo; got ${JSON.stringify(text)}`)), 5_000).unref();
      });
      assert.match(reply, /^HTTP\/1\.1 101/);
      assert.match(reply, /x-backend: A/i);
    });

    test("service backends: ready endpoints round-robin; refused → next backend (idempotent) or 502; none → 503", async () => {
      const dead = await freePort();
      await h.client.create<Service>(SERVICES, "default", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", namespace: "default" },
        spec: { ports: [{ name: "http", port: 80 }] },
      });
      await h.client.create<Endpoints>(ENDPOINTS, "default", {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name: "web", namespace: "default" },
        subsets: [
          { addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "http", port: a.port }] },
          { addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "http", port: b.port }] },
          { addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "http", port: dead }] },
        ],
      });
      await h.client.create<Service>(SERVICES, "default", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "down", namespace: "default" },
        spec: { ports: [{ port: 80 }] },
      });
      await h.client.create<Endpoints>(ENDPOINTS, "default", {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name: "down", namespace: "default" },
        subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ port: dead }] }],
      });
      await create(
        dnsRecord("svc", "svc.test", [
          { path: "/web", service: "web", port: 80 },
          { path: "/down", service: "down", port: 80 },
          { path: "/missing", service: "missing", port: 80 },
        ]),
      );
      await h.served("svc");
      await waitFor(async () => (await get("svc.test", "/web")).status === 200, { what: "service route live" });
      const seen = new Set<string>();
      for (let i = 0; i < 9; i++) {
        const r = await get("svc.test", "/web/x");
        assert.equal(r.status, 200, "a refused backend is skipped for GET");
        seen.add(echo(r.body).name);
      }
      assert.deepEqual([...seen].sort(), ["A", "B"]);
      assert.equal((await http(h.port, "svc.test", "/down", { method: "POST", body: "x" })).status, 502);
      assert.equal((await get("svc.test", "/down")).status, 502);
      const missing = await get("svc.test", "/missing/x");
      assert.deepEqual(
        [missing.status, missing.body],
        [503, `${TEXT.unavailable("service default/missing does not exist")}\n`],
      );
    });

    test("the older record wins a host+path conflict; statuses say who serves and why not", async () => {
      // creationTimestamp has one-second resolution, so both may tie; names then decide (unit-tested
      // separately), and these names agree with the creation order.
      await create(dnsRecord("clash-1", "clash.test", [{ path: "/p", address: "127.0.0.1", port: a.port }]));
      await h.served("clash-1");
      await waitFor(async () => (await get("clash.test", "/p")).status === 200, { what: "older route live" });
      await create(dnsRecord("clash-2", "clash.test", [{ path: "/p/", address: "127.0.0.1", port: b.port }]));
      const newer = await waitFor(
        async () => {
          const r = await h.client.get<DNSRecord>(DNSRECORDS, "default", "clash-2");
          return r.status?.conditions?.[0]?.reason === "Conflict" ? r : undefined;
        },
        { what: "newer record's Conflict condition" },
      );
      assert.equal(newer.status?.conditions?.[0]?.status, "False");
      assert.match(newer.status?.conditions?.[0]?.message ?? "", /default\/clash-1 is older/);
      assert.equal(newer.status?.gatewayAddress, undefined);
      assert.equal(echo((await get("clash.test", "/p/x")).body).name, "A");
      const older = await h.client.get<DNSRecord>(DNSRECORDS, "default", "clash-1");
      assert.equal(older.status?.conditions?.[0]?.status, "True");
      assert.equal(older.status?.gatewayAddress, "127.0.0.1");
      // the winner goes away: the newer record takes over and its status follows
      await h.client.delete(DNSRECORDS, "default", "clash-1");
      await waitFor(async () => echo((await get("clash.test", "/p/x")).body).name === "B", {
        what: "newer serves after older is deleted",
      });
      await waitFor(
        async () =>
          (await h.client.get<DNSRecord>(DNSRECORDS, "default", "clash-2")).status?.conditions?.[0]?.status === "True",
        { what: "newer Served=True" },
      );
    });

    test("a changed port and a deleted record take effect within a second", async () => {
      const rec = await create(dnsRecord("moving", "move.test", [{ path: "/m", address: "127.0.0.1", port: a.port }]));
      await h.served("moving");
      await waitFor(async () => (await get("move.test", "/m")).status === 200, { what: "route live" });
      let started = performance.now();
      await h.client.patch(DNSRECORDS, "default", "moving", {
        spec: { paths: [{ path: "/m", address: "127.0.0.1", port: b.port }] },
      });
      await waitFor(async () => echo((await get("move.test", "/m")).body).name === "B", {
        timeoutMs: 1_000,
        intervalMs: 5,
        what: "port change live",
      });
      const changeMs = performance.now() - started;
      started = performance.now();
      await h.client.delete(DNSRECORDS, "default", rec.metadata.name ?? "");
      await waitFor(async () => (await get("move.test", "/m")).status === 404, {
        timeoutMs: 1_000,
        intervalMs: 5,
        what: "deletion live",
      });
      const deleteMs = performance.now() - started;
      process.stdout.write(
        `# ${engine}: change live in ${changeMs.toFixed(0)} ms, delete in ${deleteMs.toFixed(0)} ms\n`,
      );
    });
  });
}
