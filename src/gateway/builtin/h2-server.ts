/**
 * The built-in engine's HTTP/2 side: a node:http2 server that never listens itself — the TLS
 * listener hands it each connection whose ALPN chose `h2` — with the shared client limits applied
 * as nginx applies them to HTTP/2 since 1.19.7: `keepalive_timeout` closes a connection idle
 * that long (GOAWAY), `keepalive_requests` ends one after that many streams (GOAWAY; the streams
 * in flight finish), and `large_client_header_buffers` bounds the field block. At most 128
 * concurrent streams, nginx's `http2_max_concurrent_streams`.
 */
import {
  createServer,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from "node:http2";
import { type ClientLimits, MAX_HEADER_FIELDS } from "../client-limits.ts";

/** What the engine does with each request. */
export type H2Handler = (req: Http2ServerRequest, res: Http2ServerResponse, expectContinue: boolean) => void;

/** The server and what closing it needs. */
export interface H2Side {
  server: Http2Server;
  /** Destroys every session (the engine is closing). */
  destroyAll(): void;
}

/** nginx's `http2_max_concurrent_streams` default. */
const MAX_CONCURRENT_STREAMS = 128;

/** Creates the HTTP/2 server; `onConnect` answers CONNECT (a gateway does not tunnel). */
export function createH2Side(
  limits: ClientLimits,
  handle: H2Handler,
  onConnect: (req: Http2ServerRequest, res: Http2ServerResponse) => void,
): H2Side {
  const maxHead = limits.headerBuffers * limits.headerBufferBytes;
  const server = createServer({
    // Generous here: checkH2Request applies the limits and answers 400/414 as over HTTP/1.1.
    maxHeaderListPairs: MAX_HEADER_FIELDS + 8,
    settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS, maxHeaderListSize: 2 * maxHead + 32 * MAX_HEADER_FIELDS },
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    let streams = 0;
    let active = 0;
    session.on("close", () => sessions.delete(session));
    session.on("error", () => session.destroy());
    session.on("stream", (stream) => {
      active++;
      stream.once("close", () => active--);
      if (++streams >= limits.keepAliveRequests) session.close();
    });
    // The session's timer runs on any inactivity, a stream waiting on a slow backend included;
    // only a session without streams is idle, and the timer is set again for one that is not.
    const idle = (): void => {
      if (active === 0) session.close();
      else session.setTimeout(limits.keepAliveTimeoutMs, idle);
    };
    session.setTimeout(limits.keepAliveTimeoutMs, idle);
  });
  server.on("request", (req, res) => handle(req, res, false));
  server.on("checkContinue", (req, res) => handle(req, res, true));
  server.on("connect", onConnect);
  return {
    server,
    destroyAll() {
      for (const s of sessions) s.destroy();
      sessions.clear();
    },
  };
}
