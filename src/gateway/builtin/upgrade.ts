/**
 * WebSocket (and any HTTP/1.1 Upgrade) through the built-in engine: the handshake is forwarded to
 * one backend on its own connection; on 101 the two sockets are spliced. A non-101 answer is
 * relayed as a normal response. With metrics or an access log, {@link UpgradeAnswer} tells the
 * request's watch what was answered, so an upgrade counts as nginx counts it: once, when the
 * connection closes, with status 101 and every byte sent to the client through the tunnel.
 */
import { type IncomingMessage, request, STATUS_CODES } from "node:http";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import type { Backend } from "../routes/model.ts";
import { upstreamRequestHeaders } from "./headers.ts";

/**
 * The answer to an upgrade request as a request watch reads a response (request-watch.ts): the
 * status once a status line was written on the raw socket, closed when the socket closes.
 */
export class UpgradeAnswer {
  statusCode = 0;
  headersSent = false;
  /** Told the backend that answered (the request's watch). */
  trace: { upstream: Backend | undefined } | undefined;
  readonly #socket: Duplex;

  constructor(socket: Duplex) {
    this.#socket = socket;
  }

  /** A response is complete once its status line went out; what follows is the tunnel or its body. */
  get writableFinished(): boolean {
    return this.headersSent;
  }

  /** `status` was written to the client (`backend`: by a backend's answer). */
  sent(status: number, backend?: Backend): void {
    this.statusCode = status;
    this.headersSent = true;
    if (this.trace) this.trace.upstream = backend;
  }

  /** `close`: the client connection closed (the tunnel ended). */
  once(event: "close", listener: () => void): this {
    this.#socket.once(event, listener);
    return this;
  }
}

function statusLine(code: number, message: string | undefined): string {
  return `HTTP/1.1 ${code} ${message ?? ""}\r\n`;
}

function rawHeaders(res: IncomingMessage): string {
  let text = "";
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) text += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  return `${text}\r\n`;
}

/** Writes a short plain-text response on a raw socket (with `location`, for a redirect) and closes it. */
export function rejectUpgrade(socket: Duplex, code: number, text: string, location?: string): void {
  const body = `${text}\n`;
  const where = location !== undefined ? `location: ${location}\r\n` : "";
  socket.end(
    `${statusLine(code, STATUS_CODES[code])}${where}content-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Proxies an upgrade request to `backend`; `authority` (of an absolute-form target) is sent as
 * Host, `proto` as X-Forwarded-Proto.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  backend: Backend,
  path: string,
  authority: string | undefined,
  proto: "http" | "https",
  connectMs: number,
  answer?: UpgradeAnswer,
): void {
  const headers = upstreamRequestHeaders(req.headers, req.socket.remoteAddress ?? "", true, authority, proto);
  const up = request({
    host: backend.ip,
    family: isIP(backend.ip),
    port: backend.port,
    method: req.method,
    path,
    headers,
    agent: false,
    timeout: connectMs,
  });
  up.on("timeout", () => up.destroy(new Error("connect timeout")));
  socket.on("error", () => up.destroy());
  up.on("upgrade", (upRes, upSocket, upHead) => {
    up.setTimeout(0);
    answer?.sent(upRes.statusCode ?? 101, backend);
    socket.write(statusLine(upRes.statusCode ?? 101, upRes.statusMessage) + rawHeaders(upRes));
    if (upHead.length > 0) socket.write(upHead);
    if (head.length > 0) upSocket.write(head);
    upSocket.on("error", () => socket.destroy());
    socket.on("close", () => upSocket.destroy());
    upSocket.on("close", () => socket.destroy());
    upSocket.pipe(socket).pipe(upSocket);
  });
  up.on("response", (upRes) => {
    answer?.sent(upRes.statusCode ?? 502, backend);
    socket.write(statusLine(upRes.statusCode ?? 502, upRes.statusMessage) + rawHeaders(upRes));
    upRes.pipe(socket);
  });
  up.on("error", (err: NodeJS.ErrnoException) => {
    if (!socket.writable) return;
    answer?.sent(502);
    rejectUpgrade(
      socket,
      502,
      `kdns gateway: backend ${backend.ip}:${backend.port} failed: ${err.code ?? err.message}`,
    );
  });
  up.end();
}
