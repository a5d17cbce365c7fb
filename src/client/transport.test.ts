/** The REST client's transport against a raw server that resets a kept-alive connection. */
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { test } from "node:test";
import { listenOrFail } from "../../test/support/listen.ts";
import { nodeTransport } from "./transport.ts";

/** Closes `server` and the kept-alive connections it still has (the transport's agent keeps them open). */
function closeAll(server: ReturnType<typeof createServer>, sockets: Set<Socket>): void {
  for (const socket of sockets) socket.destroy();
  server.close();
}

test("a request the server resets on a reused keep-alive connection is sent once more on a new one", async () => {
  const received: string[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket: Socket) => {
    sockets.add(socket);
    const connection = ++connections;
    let served = 0;
    socket.on("data", (chunk) => {
      const line = chunk.toString().split("\r\n")[0] ?? "";
      // The first connection answers one request, then resets as if it had just closed on idle.
      if (connection === 1 && served === 1) return socket.resetAndDestroy();
      served++;
      received.push(`${connection} ${line}`);
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok");
    });
  });
  const port = await listenOrFail(server, 0, "127.0.0.1");
  try {
    const send = nodeTransport();
    const url = `http://127.0.0.1:${port}/x`;
    const first = await send(url, { method: "GET", headers: {} });
    assert.equal(await first.text(), "ok");
    const second = await send(url, { method: "PATCH", headers: {}, body: "{}" });
    assert.equal(await second.text(), "ok");
    assert.deepEqual(received, ["1 GET /x HTTP/1.1", "2 PATCH /x HTTP/1.1"]);
  } finally {
    closeAll(server, sockets);
  }
});

test("a reset on a new connection is the caller's error, not retried", async () => {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket: Socket) => {
    sockets.add(socket);
    connections++;
    socket.on("data", () => socket.resetAndDestroy());
  });
  const port = await listenOrFail(server, 0, "127.0.0.1");
  try {
    const send = nodeTransport();
    await assert.rejects(send(`http://127.0.0.1:${port}/x`, { method: "GET", headers: {} }), (err: TypeError) => {
      assert.equal((err.cause as NodeJS.ErrnoException).code, "ECONNRESET");
      return true;
    });
    assert.equal(connections, 1);
  } finally {
    closeAll(server, sockets);
  }
});
