/** The built-in engine's HTTP/2 side against node:http2's client: the shared client limits as nginx applies them to HTTP/2. */

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { connect } from "node:http2";
import { after, before, test } from "node:test";
import { closeServer, listenOrFail } from "../../../test/support/listen.ts";
import { dnsRoute, recordOwner } from "../../../test/support/routes.ts";
import { makeDefaultCertificate } from "../tls/default-certificate.ts";
import { type BuiltinEngine, startBuiltinEngine } from "./engine.ts";

let engine: BuiltinEngine;
const backend = createServer((req, res) => setTimeout(() => res.end(req.url), req.url === "/slow" ? 700 : 0));
before(async () => {
  const port = await listenOrFail(backend, 0, "127.0.0.1");
  engine = await startBuiltinEngine({
    host: "127.0.0.1",
    port: 0,
    tls: { host: "127.0.0.1", port: 0 },
    limits: { keepAliveTimeoutMs: 300, keepAliveRequests: 3 },
  });
  const certificate = await makeDefaultCertificate();
  await engine.apply({
    hosts: [
      {
        host: "h2.test",
        routes: [dnsRoute({ prefix: "/", record: "d/r", target: "t", backends: [{ ip: "127.0.0.1", port }] })],
        tls: { secret: "d/s", owner: recordOwner("d/r"), certificate, redirect: false },
      },
    ],
    outcomes: [],
  });
});
after(async () => {
  await engine?.close();
  await closeServer(backend);
});

function session() {
  return connect(`https://127.0.0.1:${engine.tlsPort}`, { servername: "h2.test", rejectUnauthorized: false });
}

/** Resolves when the server closed `s`; rejects after `ms`. */
function closedWithin(s: ReturnType<typeof session>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the connection was still open after ${ms} ms`)), ms);
    s.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function get(s: ReturnType<typeof session>, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = s.request({ ":path": path, ":authority": "h2.test" });
    let body = "";
    let status = 0;
    req.on("response", (h) => (status = Number(h[":status"])));
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => resolve({ status, body }));
    req.on("error", reject);
    req.end();
  });
}

test("an idle HTTP/2 connection is closed after keepalive_timeout; one with a stream in flight is not", async () => {
  const s = session();
  const started = performance.now();
  assert.deepEqual(await get(s, "/a"), { status: 200, body: "/a" });
  await closedWithin(s, 3_000);
  const ms = performance.now() - started;
  assert.ok(ms >= 250 && ms < 3_000, `closed after ${ms.toFixed(0)} ms`);
  const busy = session();
  const closed = closedWithin(busy, 3_000);
  const slow = await get(busy, "/slow");
  assert.deepEqual(slow, { status: 200, body: "/slow" }, "a stream longer than the timeout finishes");
  await closed; // and the connection, idle from then on, is closed after all
});

test("after keepalive_requests streams the connection is ended with GOAWAY; the streams in flight finish", async () => {
  const s = session();
  const goaway = new Promise<void>((resolve) => s.once("goaway", () => resolve()));
  const answers = await Promise.all([get(s, "/1"), get(s, "/2"), get(s, "/3")]);
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 200, 200],
  );
  await goaway;
  s.destroy();
});
