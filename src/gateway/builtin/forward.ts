/**
 * Forwarding one HTTP request to a route's backends over the raw-socket {@link UpstreamPool}: the
 * request head is written as one string, the response head parsed by `parseResponseHead`, and the
 * body bytes handed to the client response as they arrive (no buffering, backpressure both ways).
 * A backend that refuses the connection — or a pooled keep-alive connection the backend had
 * already closed — is skipped for the next one when the request is idempotent and has no body, as
 * nginx's `proxy_next_upstream error` does; when none is left the client gets 502 (504 on timeout).
 */
import type { Backend, HeaderEdits } from "../routes/model.ts";
import { type BodyReader, bodyReader } from "./body-reader.ts";
import { editHeaders } from "./header-edits.ts";
import { clientResponseHeaderList } from "./headers.ts";
import type { RequestBody } from "./request-head.ts";
import { parseResponseHead } from "./response-head.ts";
import type { Upstream, UpstreamPool } from "./upstream-pool.ts";

/** Timeouts, as nginx's proxy_connect_timeout / proxy_read_timeout. */
export interface ForwardTimeouts {
  connectMs: number;
  idleMs: number;
}

/** What every forwarded request of an engine shares. */
export interface Upstreams {
  pool: UpstreamPool;
  timeouts: ForwardTimeouts;
  /** nginx's `client_body_timeout`. */
  bodyTimeoutMs: number;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "DELETE", "PUT", "TRACE"]);
const CONNECT_ERRORS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ECONNECTTIMEOUT"]);
const TIMEOUTS = new Set(["ETIMEDOUT", "ECONNECTTIMEOUT"]);
const CRLF = Buffer.from("\r\n");
const LAST_CHUNK = "0\r\n\r\n";

/** Sends a short plain-text response (the gateway's own statuses). */
export function plain(res: ClientResponse, code: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(code, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** The client request's body, as node:http and node:http2's compatibility API both give it. */
export interface ClientBody {
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  once(event: "end", listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** The client response: node:http's, or node:http2's compatibility API's. */
export interface ClientResponse {
  readonly headersSent: boolean;
  readonly writableFinished: boolean;
  writeHead(statusCode: number, headers: string[] | Record<string, string | number>): unknown;
  writeHead(statusCode: number, statusMessage: string, headers: string[]): unknown;
  write(chunk: Buffer): boolean;
  end(): unknown;
  end(chunk: Buffer | string): unknown;
  destroy(): unknown;
  once(event: "close" | "drain", listener: () => void): unknown;
}

/**
 * Forwards a request to `backends[0]`, falling over to the next as described above: `head` (see
 * requestHead) is written, then the body (`streamBody`) read from `req` as `mode` says. A body
 * that pauses for the body timeout destroys `clientConnection` (the client's socket, or for
 * HTTP/2 its stream) and the backend connection under it. `h2` sends the response without a
 * reason phrase, which HTTP/2 does not have (RFC 9113 §8.3.2). `responseEdits` (a route's
 * ResponseHeaderModifier filters) change the response fields before they are relayed.
 */
export function forward(
  req: ClientBody,
  res: ClientResponse,
  method: string,
  head: string,
  mode: RequestBody,
  streamBody: boolean,
  backends: Backend[],
  upstreams: Upstreams,
  clientConnection: { destroy(): unknown },
  h2: boolean,
  responseEdits?: readonly HeaderEdits[],
): void {
  const { pool, timeouts, bodyTimeoutMs } = upstreams;
  const retryable = IDEMPOTENT.has(method) && !streamBody;
  let current: Upstream | undefined;
  let requestSent = !streamBody;
  let finished = false;

  let bodyTimer: NodeJS.Timeout | undefined;
  res.once("close", () => {
    clearTimeout(bodyTimer);
    if (finished || res.writableFinished) return;
    finished = true;
    const up = current;
    current = undefined;
    if (up) {
      up.exchange = undefined;
      up.socket.destroy();
    }
  });

  const sendBody = (up: Upstream): void => {
    // The timer runs only while the body is read; a backend that is slow to take it pauses it.
    let waitingForBackend = false;
    bodyTimer = setTimeout(function bodyTimedOut() {
      if (waitingForBackend) bodyTimer?.refresh();
      else clientConnection.destroy();
    }, bodyTimeoutMs);
    req.on("data", (data: Buffer) => {
      bodyTimer?.refresh();
      if (up.socket.destroyed) return;
      const ok =
        mode === "chunked"
          ? up.socket.write(Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, CRLF]))
          : up.socket.write(data);
      if (!ok) {
        req.pause();
        waitingForBackend = true;
        up.socket.once("drain", () => {
          waitingForBackend = false;
          bodyTimer?.refresh();
          req.resume();
        });
      }
    });
    req.once("end", () => {
      clearTimeout(bodyTimer);
      if (mode === "chunked" && !up.socket.destroyed) up.socket.write(LAST_CHUNK);
      requestSent = true;
    });
  };

  const attempt = (i: number, lastError: string): void => {
    const b = backends[i];
    if (!b) {
      if (TIMEOUTS.has(lastError)) return plain(res, 504, `kdns gateway: every backend timed out (${lastError})`);
      return plain(res, 502, "kdns gateway: every backend refused the connection");
    }
    let pending: Buffer | undefined;
    let headBuf: Buffer | undefined;
    let reader: BodyReader | undefined;
    let closeDelimited = false;
    let keepAlive = false;
    let received = false;
    let paused = false;

    const fail = (code: number, text: string): void => {
      finished = true;
      current = undefined;
      up.exchange = undefined;
      up.socket.destroy();
      plain(res, code, text);
    };
    const write = (data: Buffer): void => {
      if (!res.write(data) && !paused) {
        paused = true;
        up.socket.pause();
        res.once("drain", () => {
          paused = false;
          if (current === up) up.socket.resume(); // else it is back in the pool (or closed) already
        });
      }
    };
    const emit = (data: Buffer): void => {
      if (pending) write(pending);
      pending = data;
    };
    const feedBody = (chunk: Buffer): void => {
      pending = undefined;
      const r = reader!.feed(chunk, emit);
      if (r.type === "more") {
        if (pending) write(pending);
        return;
      }
      finished = true;
      current = undefined;
      up.exchange = undefined;
      if (r.type === "invalid") {
        up.socket.destroy();
        res.destroy();
        return;
      }
      if (pending) res.end(pending);
      else res.end();
      if (keepAlive && r.rest === 0 && requestSent) pool.release(up);
      else up.socket.destroy();
    };

    const up = pool.acquire(
      b,
      {
        onData(chunk) {
          received = true;
          if (reader) return feedBody(chunk);
          let buf = headBuf ? Buffer.concat([headBuf, chunk]) : chunk;
          for (;;) {
            const p = parseResponseHead(buf, method);
            if (p.type === "incomplete") {
              headBuf = buf;
              return;
            }
            if (p.type === "invalid")
              return fail(502, `kdns gateway: backend ${b.ip}:${b.port} sent an invalid response: ${p.reason}`);
            buf = buf.subarray(p.size);
            if (p.status === 101)
              return fail(502, `kdns gateway: backend ${b.ip}:${b.port} switched protocols without an upgrade request`);
            if (p.status < 200) continue; // interim (100 Continue, 103 Early Hints): not relayed
            headBuf = undefined;
            keepAlive = p.keepAlive;
            closeDelimited = p.body.type === "close";
            reader = bodyReader(p.body);
            try {
              const relayed = clientResponseHeaderList(p.headers, p.body.type === "chunked");
              const fields = responseEdits ? editHeaders(relayed, responseEdits) : relayed;
              if (h2) res.writeHead(p.status, fields);
              else res.writeHead(p.status, p.reason, fields);
            } catch (err) {
              // the parser accepts only what node:http accepts; this is a last guard, not a path
              return fail(
                502,
                `kdns gateway: backend ${b.ip}:${b.port} sent a response node:http cannot relay: ${(err as Error).message}`,
              );
            }
            return feedBody(buf);
          }
        },
        onClose(error) {
          if (finished) return;
          if (reader) {
            finished = true;
            current = undefined;
            if (closeDelimited && error === undefined) res.end();
            else res.destroy();
            return;
          }
          current = undefined;
          const code = error ?? (received ? "EPROTO" : "ECONNRESET");
          if (retryable && !received) {
            if (up.reused && !TIMEOUTS.has(code)) return attempt(i, code); // a stale keep-alive connection
            if (CONNECT_ERRORS.has(code)) return attempt(i + 1, code);
          }
          finished = true;
          plain(res, TIMEOUTS.has(code) ? 504 : 502, `kdns gateway: backend ${b.ip}:${b.port} failed: ${code}`);
        },
        onTimeout() {
          up.error ??= up.socket.connecting ? "ECONNECTTIMEOUT" : "ETIMEDOUT";
          up.socket.destroy();
        },
      },
      timeouts.connectMs,
      timeouts.idleMs,
    );
    current = up;
    up.socket.write(head, "latin1"); // node:http decodes header bytes as latin1: this writes them back unchanged
    if (streamBody) sendBody(up);
  };
  attempt(0, "");
}
