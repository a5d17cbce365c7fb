/**
 * The raw-socket upstream path against scripted backends: framings the shared e2e suite does not
 * produce (chunked, close-delimited, HEAD), broken backends (invalid head, silence), keep-alive
 * reuse and a stale pooled connection.
 */

import assert from "node:assert/strict";
import { createServer as createHttpServer, request } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import { after, before, test } from "node:test";
import { closeServer, listenOrFail } from "../../../test/support/listen.ts";
import { dnsRoute } from "../../../test/support/routes.ts";
import { type BuiltinEngine, startBuiltinEngine } from "./engine.ts";

/** A backend that answers each request head (bodies ignored) with `script(path)`; `null` = stay silent. */
async function rawBackend(
  script: (path: string, socket: Socket) => string | null,
): Promise<{ server: Server; port: number; connections: number }> {
  const state = { server: createServer(), port: 0, connections: 0 };
  state.server.on("connection", (socket) => {
    state.connections++;
    let buf = "";
    socket.on("data", (c: Buffer) => {
      buf += c.toString("latin1");
      for (let end = buf.indexOf("\r\n\r\n"); end >= 0; end = buf.indexOf("\r\n\r\n")) {
        const path = buf.slice(0, end).split(" ")[1] ?? "";
        buf = buf.slice(end + 4);
        const reply = script(path, socket);
        if (reply !== null) socket.write(reply);
      }
    });
    socket.on("error", () => {});
  });
  state.port = await listenOrFail(state.server, 0, "127.0.0.1");
  return state;
}

function get(port: number, path: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers: { host: "t.test" }, agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

let engine: BuiltinEngine;
const echo = createHttpServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () =>
    res.end(
      `${req.headers["transfer-encoding"] ?? "-"} ${Buffer.concat(chunks).toString()}${req.headers["x-raw"] ?? ""}`,
      "latin1",
    ),
  );
});
let backend: Awaited<ReturnType<typeof rawBackend>>;
const sockets = new Set<Socket>();
const served = new WeakSet<Socket>();

/** The scripted answers, by path. */
function respond(path: string, socket: Socket): string | null {
  switch (path) {
    case "/chunked":
      return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    case "/close":
      setImmediate(() => socket.end());
      return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close";
    case "/invalid":
      return "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n";
    case "/silent":
      return null;
    case "/stale": // a keep-alive race: the backend closes a connection it has used before, unanswered
      if (served.has(socket)) {
        socket.destroy();
        return null;
      }
      break;
  }
  return `HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`;
}

before(async () => {
  backend = await rawBackend((path, socket) => {
    sockets.add(socket);
    const reply = respond(path, socket);
    served.add(socket);
    return reply;
  });
  const echoPort = await listenOrFail(echo, 0, "127.0.0.1");
  engine = await startBuiltinEngine({ host: "127.0.0.1", port: 0, timeouts: { idleMs: 200 } });
  await engine.apply({
    hosts: [
      {
        host: "t.test",
        routes: [
          dnsRoute({ prefix: "/echo", record: "d/e", target: "e", backends: [{ ip: "127.0.0.1", port: echoPort }] }),
          dnsRoute({ prefix: "/", record: "d/r", target: "t", backends: [{ ip: "127.0.0.1", port: backend.port }] }),
        ],
      },
    ],
    outcomes: [],
  });
});
after(async () => {
  // Whatever before() got to start is closed, so a failed start still lets the process exit.
  await engine?.close();
  for (const s of sockets) s.destroy();
  if (backend) await closeServer(backend.server);
  await closeServer(echo);
});

test("chunked and close-delimited bodies arrive whole; HEAD has no body", async () => {
  assert.deepEqual(await get(engine.port, "/chunked"), { status: 200, body: "hello world" });
  assert.deepEqual(await get(engine.port, "/close"), { status: 200, body: "until close" });
  assert.deepEqual(await get(engine.port, "/head-me", "HEAD"), { status: 200, body: "" });
  assert.deepEqual(await get(engine.port, "/after-head"), { status: 200, body: "/after-head" });
});

test("keep-alive: sequential requests share one backend connection; dropped ones are not reused", async () => {
  await get(engine.port, "/warm");
  const before = backend.connections;
  for (let i = 0; i < 5; i++) assert.deepEqual(await get(engine.port, `/k${i}`), { status: 200, body: `/k${i}` });
  assert.equal(backend.connections, before, "no new backend connection for keep-alive requests");
  for (const s of sockets) s.destroy(); // the backend drops its idle connections
  sockets.clear();
  assert.deepEqual(await get(engine.port, "/after-drop"), { status: 200, body: "/after-drop" });
});

test("an invalid response head is 502; a silent backend is 504 after the read timeout", async () => {
  const invalid = await get(engine.port, "/invalid");
  assert.equal(invalid.status, 502);
  assert.match(invalid.body, /invalid response: bad header line/);
  const started = performance.now();
  const silent = await get(engine.port, "/silent");
  assert.equal(silent.status, 504);
  assert.ok(performance.now() - started >= 150, "waited for the read timeout");
});

test("a chunked request body is re-framed chunked to the backend", async () => {
  const reply = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: engine.port,
        path: "/echo",
        method: "POST",
        headers: { host: "t.test", "transfer-encoding": "chunked" },
        agent: false,
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve(body));
      },
    );
    req.on("error", reject);
    req.write("part one, ");
    setImmediate(() => req.end("part two"));
  });
  assert.equal(reply, "chunked part one, part two");
});

test("header bytes above 0x7f reach the backend unchanged (latin1 both ways)", async () => {
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const sock = connect(engine.port, "127.0.0.1", () => {
      sock.write(
        Buffer.concat([
          Buffer.from("GET /echo HTTP/1.1\r\nhost: t.test\r\nconnection: close\r\nx-raw: caf"),
          Buffer.from([0xe9]),
          Buffer.from("\r\n\r\n"),
        ]),
      );
    });
    const chunks: Buffer[] = [];
    sock.on("data", (c: Buffer) => chunks.push(c));
    sock.on("end", () => resolve(Buffer.concat(chunks)));
    sock.on("error", reject);
  });
  const body = raw.subarray(raw.indexOf("\r\n\r\n") + 4);
  assert.ok(body.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9])), `body ${JSON.stringify(body.toString("latin1"))}`);
  assert.ok(!body.includes(Buffer.from([0xc3, 0xa9])), "not re-encoded as UTF-8");
});

test("a pooled connection the backend closes unanswered: GET is retried on a new one, POST gets 502", async () => {
  await get(engine.port, "/warm");
  const before = backend.connections;
  assert.deepEqual(await get(engine.port, "/stale"), { status: 200, body: "/stale" });
  assert.equal(backend.connections, before + 1, "retried on a fresh connection");
  await get(engine.port, "/warm");
  assert.equal((await get(engine.port, "/stale", "POST")).status, 502);
});
