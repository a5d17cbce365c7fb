/**
 * Forwarding one HTTP request to a route's backends. Bodies stream both ways (no buffering). A
 * backend that refuses the connection — or a pooled keep-alive connection the backend had already
 * closed — is skipped for the next one when the request is idempotent and has no body, as
 * nginx's `proxy_next_upstream error` does; when none is left the client gets 502 (504 on timeout).
 */
import { request, type Agent, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import type { Backend } from "../routes/model.ts";
import { clientResponseHeaders, upstreamRequestHeaders } from "./headers.ts";

/** Timeouts, as nginx's proxy_connect_timeout / proxy_read_timeout. */
export interface ForwardTimeouts {
  connectMs: number;
  idleMs: number;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "DELETE", "PUT", "TRACE"]);
const CONNECT_ERRORS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ECONNECTTIMEOUT"]);

/** Sends a short plain-text response (the gateway's own statuses). */
export function plain(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = text + "\n";
  res.writeHead(code, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (len !== undefined && len !== "0");
}

/** Forwards `req` to `backends[0]`, falling over to the next as described above. */
export function forward(req: IncomingMessage, res: ServerResponse, backends: Backend[], path: string, agent: Agent, timeouts: ForwardTimeouts): void {
  const retryable = IDEMPOTENT.has(req.method ?? "") && !hasBody(req);
  const headers = upstreamRequestHeaders(req.headers, req.socket.remoteAddress ?? "", false);
  let clientGone = false;
  res.once("close", () => {
    if (!res.writableFinished) clientGone = true;
  });

  const attempt = (i: number): void => {
    const b = backends[i];
    if (!b) return plain(res, 502, "kdns gateway: every backend refused the connection");
    const up = request({ host: b.ip, family: isIP(b.ip), port: b.port, method: req.method, path, headers, agent });
    let connectTimer: NodeJS.Timeout | undefined;
    up.on("socket", (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => up.destroy(Object.assign(new Error("connect timeout"), { code: "ECONNECTTIMEOUT" })), timeouts.connectMs);
      socket.once("connect", () => clearTimeout(connectTimer));
    });
    up.setTimeout(timeouts.idleMs, () => up.destroy(Object.assign(new Error("backend timed out"), { code: "ETIMEDOUT" })));
    up.on("response", (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, clientResponseHeaders(upRes.headers));
      upRes.pipe(res);
      upRes.on("error", () => res.destroy());
      res.once("close", () => {
        if (!res.writableFinished) upRes.destroy();
      });
    });
    up.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (clientGone) return;
      const code = err.code ?? "";
      const stale = code === "ECONNRESET" && up.reusedSocket;
      if (retryable && !res.headersSent && (CONNECT_ERRORS.has(code) || stale)) return attempt(stale ? i : i + 1);
      if (res.headersSent) return void res.destroy();
      plain(res, code === "ETIMEDOUT" || code === "ECONNECTTIMEOUT" ? 504 : 502, `kdns gateway: backend ${b.ip}:${b.port} failed: ${code || err.message}`);
    });
    res.once("close", () => {
      if (!res.writableFinished) up.destroy();
    });
    if (retryable) up.end();
    else req.pipe(up);
  };
  attempt(0);
}
