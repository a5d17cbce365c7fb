/**
 * The nginx engine's request log against the real nginx: with two workers, a log kdns rotates
 * every few lines (rename + nginx's reopen signal), a reload and a restart of nginx in between,
 * every request is counted once and logged once; hostile request-targets and Host fields stay
 * values of their own line.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Registry } from "prom-client";
import type { AccessLogEntry } from "../../src/gateway/access-log/entry.ts";
import { GatewayMetrics } from "../../src/gateway/metrics/gateway-metrics.ts";
import { type NginxEngine, startNginxEngine } from "../../src/gateway/nginx/engine.ts";
import type { RouteTable } from "../../src/gateway/routes/model.ts";
import { freePort } from "../support/free-port.ts";
import { parseSamples, sumOf } from "../support/prom-text.ts";
import { rawRequest } from "../support/raw-http.ts";
import { dnsRoute } from "../support/routes.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Echo, http, startEcho } from "./gateway-harness.ts";

let echo: Awaited<ReturnType<typeof startEcho>>;
let engine: NginxEngine;
let dataDir: string;
let port: number;
const registry = new Registry();
const metrics = new GatewayMetrics(registry);
const entries: AccessLogEntry[] = [];
const counted = async (match: Record<string, string> = {}): Promise<number> =>
  sumOf(parseSamples(await registry.metrics()), "nginx_ingress_controller_requests", match);

const table = (prefix: string): RouteTable => ({
  hosts: [
    {
      host: "log.test",
      routes: [dnsRoute({ prefix, record: "default/log", backends: [{ ip: "127.0.0.1", port: echo.port }] })],
    },
  ],
  outcomes: [],
});

before(async () => {
  echo = await startEcho("E");
  dataDir = await mkdtemp(join(tmpdir(), "kdns-nginx-log-"));
  port = await freePort();
  engine = await startNginxEngine({
    listen: `127.0.0.1:${port}`,
    dataDir,
    workers: 2,
    observers: {
      metrics,
      accessLog: {
        destination: "test",
        write: (e) => void entries.push(e),
        reopen: async () => {},
        close: async () => {},
      },
    },
    requestLogRotateBytes: 2_000,
  });
  metrics.adopt(table("/a"));
  await engine.apply(table("/a"));
});
after(async () => {
  await engine?.close();
  await echo?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test("every request counted and logged once through rotations, a reload and a restart of nginx", async () => {
  const send = async (n: number, path: string): Promise<void> => {
    for (let i = 0; i < n; i++) assert.equal((await http(port, "log.test", `${path}/${i}`)).status, 200);
  };
  await send(40, "/a");
  await waitFor(async () => (await counted()) === 40, { what: "40 counted", timeoutMs: 20_000 });
  metrics.adopt(table("/b"));
  await engine.apply(table("/b")); // a reload: the old workers flush as they exit
  await send(30, "/b");
  // Lines a worker killed outright had buffered are lost (docs/metrics.md): wait for them first.
  await waitFor(async () => (await counted({ path: "/b" })) === 30, { what: "30 on /b", timeoutMs: 20_000 });
  process.kill(engine.supervisor.pid!, "SIGKILL"); // a crash: the supervisor restarts nginx
  await waitFor(
    async () => engine.supervisor.restarts === 1 && (await http(port, "log.test", "/b/up")).status === 200,
    { what: "nginx restarted", timeoutMs: 20_000 },
  );
  await send(30, "/b/again");
  await waitFor(async () => (await counted({ path: "/b" })) === 61, { what: "61 on /b", timeoutMs: 20_000 });
  await engine.readRequestLog();
  assert.equal(await counted({ path: "/b" }), 61, "nothing counted twice");
  assert.equal(await counted({ path: "/a" }), 0, "the /a series left with its route");
  const paths = entries.map((e) => e.path);
  assert.equal(paths.length, 101, "every request logged");
  assert.equal(new Set(paths).size, 101, "none twice");
  assert.ok(entries.every((e) => e.status === 200 && e.route === "default/log"));
  // ~100 bytes a line: without kdns's rotation the file would hold all 101 lines. A rotation waits
  // for the last one's old file to be done with (5 s), so the last may come after the requests.
  const log = join(dataDir, "nginx", "logs", "kdns-requests.log");
  await waitFor(async () => (await stat(log)).size < 2_000, { what: "the log rotated", timeoutMs: 20_000 });
  assert.equal((await stat(log)).mode & 0o077, 0, "the log is its owner's only, after nginx's reopen too");
  await engine.readRequestLog();
  assert.equal(await counted({ path: "/b" }), 61, "nothing lost or counted twice by the rotations");
  assert.equal(entries.length, 101);
});

test("hostile request-targets and Host fields: one line each, decoded exactly", async () => {
  entries.length = 0;
  const target = '/b/q"u\\o%09t\xc3\xa9?x=\'"\\';
  const bytes = Buffer.concat([
    Buffer.from("GET "),
    Buffer.from(target, "latin1"),
    Buffer.from(" HTTP/1.1\r\nhost: log.test\r\nx-evil: a\tb\\x0a\r\nconnection: close\r\n\r\n"),
  ]);
  const { response, client } = await rawRequest(port, bytes);
  client.destroy();
  assert.equal(response.status, 200);
  const bad = await rawRequest(port, 'GET /b/x HTTP/1.1\r\nhost: lo"g.test\\x09\r\nconnection: close\r\n\r\n');
  bad.client.destroy();
  await waitFor(() => entries.length >= 2, { what: "two entries" });
  const ok = entries.find((e) => e.status === 200);
  assert.ok(ok, JSON.stringify(entries));
  assert.equal(ok.path, Buffer.from(target, "latin1").toString("utf8"));
  assert.equal(ok.host, "log.test");
  assert.equal(ok.route, "default/log");
  assert.equal(entries.length, 2, JSON.stringify(entries));
});

test("hosts sharing a server block: each reaches its own backend, counted under its own name, logged with its own route", async () => {
  const other = await startEcho("O");
  try {
    const hostTo = (host: string, record: string, backendPort: number) => ({
      host,
      routes: [dnsRoute({ prefix: "/", record, backends: [{ ip: "127.0.0.1", port: backendPort }] })],
    });
    const shared: RouteTable = {
      hosts: [
        hostTo("one.share.test", "default/one", echo.port),
        hostTo("two.share.test", "default/two", other.port),
        hostTo("*.wild.share.test", "default/wild", other.port),
      ],
      outcomes: [],
    };
    metrics.adopt(shared);
    assert.equal((await engine.apply(shared)).type, "applied");
    const conf = await engine.supervisor.installed();
    assert.equal(conf?.match(/^ +server_name /gm)?.length, 1, "the three hosts share one server block");
    entries.length = 0;
    const cases: [string, string, string][] = [
      ["one.share.test", "E", "one.share.test"],
      ["two.share.test", "O", "two.share.test"],
      ["x.wild.share.test", "O", "*.wild.share.test"],
    ];
    for (const [host, backend, served] of cases) {
      const r = await http(port, host, "/p");
      assert.equal(r.status, 200, host);
      assert.equal((JSON.parse(r.body) as Echo).name, backend, host);
      assert.equal((JSON.parse(r.body) as Echo).url, "/p", host);
      await waitFor(async () => (await counted({ host: served })) === 1, {
        what: `${host} counted as ${served}`,
        timeoutMs: 20_000,
      });
    }
    assert.equal((await http(port, "none.share.test", "/p")).status, 404);
    await waitFor(() => entries.length === 4, { what: "four entries", timeoutMs: 20_000 });
    assert.deepEqual(
      entries.map((e) => [e.host, e.route]),
      [
        ["one.share.test", "default/one"],
        ["two.share.test", "default/two"],
        ["x.wild.share.test", "default/wild"],
        ["none.share.test", null],
      ],
    );
  } finally {
    await other.close();
  }
});
