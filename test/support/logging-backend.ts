/**
 * A backend for hostile-input tests that logs every byte it receives, per connection, and every
 * request it can make out of them (on a plain socket, so duplicate fields, odd targets and framing
 * are seen exactly as the gateway sent them). It answers each complete request with 200 and a body
 * naming what it saw (none to HEAD); a request whose target contains `slow` is answered after `slowMs`.
 */
import { createServer, type Server, type Socket } from "node:net";

/** One request as the backend received it. */
export interface LoggedRequest {
  /** Index of the backend connection it came on (0 = the first the backend accepted). */
  connection: number;
  method: string;
  target: string;
  version: string;
  /** Header fields in order, names as sent. */
  headers: [string, string][];
  /** The body, chunked framing removed. */
  body: Buffer;
  /** False when the connection closed before the body ended (or the framing was broken). */
  complete: boolean;
}

/** The values of every header field `name` (case-insensitive) of a logged request. */
export function fieldValues(request: LoggedRequest, name: string): string[] {
  const lower = name.toLowerCase();
  return request.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** A running logging backend. */
export interface LoggingBackend {
  readonly server: Server;
  readonly port: number;
  /** Requests in arrival order, incomplete ones included. */
  readonly requests: LoggedRequest[];
  /** Bytes received on each connection, by connection index. */
  readonly raw: Buffer[];
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** Bytes received so far on all connections (counts what was forwarded, even as a partial head). */
  readonly received: number;
  /** Whether connection `index` is still open. */
  isOpen(index: number): boolean;
  /** Forgets the log, requests and bytes (connection indexes go on counting). */
  clear(): void;
  close(): Promise<void>;
}

/** Options of {@link startLoggingBackend}. */
export interface LoggingBackendOptions {
  host?: string;
  /** Delay of answers to targets containing `slow` (default 100 ms). */
  slowMs?: number;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

type Step = { request: LoggedRequest; size: number } | { partial: LoggedRequest } | undefined;

/** The request at the start of `buf`: complete (with its size), partial, or nothing yet. */
function parseRequest(buf: Buffer, connection: number): Step {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0) return undefined;
  const lines = buf.toString("latin1", 0, end).split("\r\n");
  const [method = "", target = "", version = ""] = (lines[0] ?? "").split(" ");
  const headers: [string, string][] = lines.slice(1).map((l) => {
    const colon = l.indexOf(":");
    return colon < 0 ? [l, ""] : [l.slice(0, colon), l.slice(colon + 1).trim()];
  });
  const request: LoggedRequest = {
    connection,
    method,
    target,
    version,
    headers,
    body: Buffer.alloc(0),
    complete: true,
  };
  const start = end + 4;
  const te = fieldValues(request, "transfer-encoding").join(",");
  const cl = fieldValues(request, "content-length")[0];
  if (/chunked\s*$/i.test(te)) {
    const parts: Buffer[] = [];
    for (let at = start; ; ) {
      const eol = buf.indexOf("\r\n", at);
      const size = eol < 0 ? Number.NaN : Number.parseInt(buf.toString("latin1", at, eol), 16);
      if (Number.isNaN(size) || buf.length < eol + 2 + size + 2) {
        request.body = Buffer.concat(parts);
        request.complete = false;
        return { partial: request };
      }
      if (size === 0) {
        request.body = Buffer.concat(parts);
        return { request, size: eol + 4 };
      }
      parts.push(buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  const length = cl === undefined ? 0 : Number(cl);
  request.body = Buffer.from(buf.subarray(start, start + length));
  if (buf.length < start + length) {
    request.complete = false;
    return { partial: request };
  }
  return { request, size: start + length };
}

/** Starts the backend on port 0 of `host` (default 127.0.0.1); a listen error rejects with its cause. */
export async function startLoggingBackend(options: LoggingBackendOptions = {}): Promise<LoggingBackend> {
  const requests: LoggedRequest[] = [];
  const raw: Buffer[] = [];
  const sockets = new Set<Socket>();
  const openIndexes = new Set<number>();
  let accepted = 0;
  let received = 0;
  const slowMs = options.slowMs ?? 100;
  const server = createServer((socket) => {
    const connection = accepted++;
    sockets.add(socket);
    openIndexes.add(connection);
    raw[connection] = Buffer.alloc(0);
    let buf = Buffer.alloc(0);
    let queue = Promise.resolve();
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
      raw[connection] = Buffer.concat([raw[connection] ?? Buffer.alloc(0), chunk]);
      buf = Buffer.concat([buf, chunk]);
      for (let step = parseRequest(buf, connection); step && "request" in step; step = parseRequest(buf, connection)) {
        const { request } = step;
        buf = buf.subarray(step.size);
        requests.push(request);
        const host = fieldValues(request, "host").join(",");
        const body = `backend saw ${request.method} ${request.target} host=${host} body=${request.body.length}`;
        const head = `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n`;
        const reply = request.method === "HEAD" ? head : `${head}${body}`;
        const delay = request.target.includes("slow") ? slowMs : 0;
        queue = queue.then(
          () =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                if (!socket.destroyed) socket.write(reply);
                resolve();
              }, delay),
            ),
        );
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      openIndexes.delete(connection);
      const step = parseRequest(buf, connection);
      if (step && "partial" in step) requests.push(step.partial);
      else if (step === undefined && buf.length > 0)
        requests.push({
          connection,
          method: "",
          target: "",
          version: "",
          headers: [],
          body: Buffer.from(buf),
          complete: false,
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error(`logging backend has no port: ${String(addr)}`);
  return {
    server,
    port: addr.port,
    requests,
    raw,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    get received() {
      return received;
    },
    isOpen: (index) => openIndexes.has(index),
    clear() {
      requests.length = 0;
      raw.fill(Buffer.alloc(0));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
