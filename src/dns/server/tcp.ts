/**
 * The TCP listener (RFC 7766): several queries per connection, each answered as soon as it is
 * done (pipelined answers may leave out of order, §6.2.1.1), an idle timeout between messages, a
 * read timeout for a message that stalls half-way, and a cap on open connections (§10). Bytes
 * that are not DNS close the connection; nothing a client sends can stop the listener.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "../../machinery/log.ts";
import type { MessageHandler } from "./handler.ts";
import { TcpFramer } from "./tcp-framer.ts";

/** Timeouts and limits of the TCP listener. */
export interface TcpLimits {
  /** Close a connection with nothing in flight after this long (default 10 s, as CoreDNS). */
  idleTimeoutMs?: number;
  /** Close a connection whose message stays incomplete this long (default 3 s, as CoreDNS). */
  readTimeoutMs?: number;
  /** Open connections at most; connections over it are closed at once (default 1000). */
  maxConnections?: number;
  /** Queries of one connection being answered at once; reading pauses above it (default 128). */
  maxInFlight?: number;
}

/** Options of {@link listenTcp}. */
export interface TcpOptions extends TcpLimits {
  host: string;
  port: number;
  handler: MessageHandler;
  log: Logger;
  reusePort?: boolean;
}

/** A listening TCP server. */
export interface TcpListener {
  port: number;
  /** Open connections (for tests and metrics). */
  connections(): number;
  close(): Promise<void>;
}

/** Answers not read by the client past this many bytes close the connection. */
const MAX_UNSENT = 1024 * 1024;

/** Starts the TCP listener. */
export async function listenTcp(options: TcpOptions): Promise<TcpListener> {
  const idleMs = options.idleTimeoutMs ?? 10_000;
  const readMs = options.readTimeoutMs ?? 3_000;
  const maxInFlight = options.maxInFlight ?? 128;
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => serveConnection(socket));
  server.maxConnections = options.maxConnections ?? 1000;
  server.on("drop", () => options.log.debug("tcp connection over the cap closed"));

  function serveConnection(socket: Socket): void {
    sockets.add(socket);
    const framer = new TcpFramer();
    const client = socket.remoteAddress ?? "";
    let inFlight = 0;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (socket.destroyed) return;
      if (framer.pending > 0) timer = setTimeout(() => socket.destroy(), readMs);
      else if (inFlight === 0) timer = setTimeout(() => socket.end(), idleMs);
    };
    const send = (out: Buffer | undefined): void => {
      inFlight--;
      if (out && !socket.destroyed && socket.writable) {
        const frame = Buffer.allocUnsafe(out.length + 2);
        frame.writeUInt16BE(out.length, 0);
        out.copy(frame, 2);
        socket.write(frame);
        if (socket.writableLength > MAX_UNSENT) socket.destroy();
      }
      if (inFlight < maxInFlight && socket.isPaused()) socket.resume();
      arm();
    };
    socket.on("data", (chunk: Buffer) => {
      for (const ev of framer.push(chunk)) {
        if (ev.type === "bad-length") {
          socket.destroy();
          return;
        }
        inFlight++;
        let out: ReturnType<MessageHandler>;
        try {
          out = options.handler(ev.msg, "tcp", client, socket.remotePort ?? 0);
        } catch (err) {
          options.log.error({ err }, "tcp handler threw");
          out = undefined;
        }
        if (out instanceof Promise) {
          out.then(send, (err: unknown) => {
            options.log.error({ err }, "tcp handler failed");
            send(undefined);
          });
        } else send(out);
      }
      if (inFlight >= maxInFlight) socket.pause();
      arm();
    });
    socket.on("error", (err) => options.log.debug({ err: err.message }, "tcp connection error"));
    socket.on("close", () => {
      if (timer) clearTimeout(timer);
      sockets.delete(socket);
    });
    arm();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(
      { host: options.host, port: options.port, exclusive: true, ...(options.reusePort ? { reusePort: true } : {}) },
      () => {
        server.off("error", reject);
        resolve();
      },
    );
  });
  server.on("error", (err) => options.log.warn({ err: err.message }, "tcp server error"));
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr ? addr.port : options.port,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
