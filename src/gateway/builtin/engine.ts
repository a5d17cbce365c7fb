/**
 * The built-in engine: the route table served by a Node reverse proxy — node:http towards clients,
 * a raw-socket keep-alive pool towards backends (node:http's client cost about half the proxy's
 * time; see BENCHMARKS.md). Applying a table swaps one reference, so a change
 * is live for the next request with no reload and no dropped connection.
 *
 * With a TLS listener, HTTPS connections speaking HTTP/1.1 are handed to the same node:http
 * server (a request knows it came over TLS by its socket) and those speaking HTTP/2 to a
 * node:http2 server; both forward to backends over HTTP/1.1. A certificate change swaps the SNI
 * map of the listener, live for the next handshake.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { formatHostPort } from "../../machinery/host-port.ts";
import { type ClientLimits, clientLimits } from "../client-limits.ts";
import type { ApplyResult, GatewayEngine } from "../engine.ts";
import type { RequestObservers } from "../observers.ts";
import { type HostRoutes, hostFingerprint, type RouteTable } from "../routes/model.ts";
import { TEXT } from "../texts.ts";
import type { ServingCertificate } from "../tls/certificate.ts";
import { makeDefaultCertificate } from "../tls/default-certificate.ts";
import { type ClientResponse, type ForwardTimeouts, forward, plain, type Upstreams } from "./forward.ts";
import { checkH2Request, h2Body, h2RequestHead } from "./h2-request.ts";
import { createH2Side, type H2Side } from "./h2-server.ts";
import { editHeaders } from "./header-edits.ts";
import { compileHost, type Lookups, type RequestView, type Routing, route } from "./lookup.ts";
import { checkRequest } from "./request-check.ts";
import { type RequestBody, requestHead } from "./request-head.ts";
import { RequestWatch } from "./request-watch.ts";
import { startTlsListener, type TlsListener } from "./tls-listener.ts";
import { forwardUpgrade, rejectUpgrade, UpgradeAnswer } from "./upgrade.ts";
import { UpstreamPool } from "./upstream-pool.ts";

/** Options of {@link startBuiltinEngine}. */
export interface BuiltinEngineOptions {
  host: string;
  port: number;
  timeouts?: Partial<ForwardTimeouts>;
  /** Client connection limits (default: nginx's, as the nginx engine renders them too). */
  limits?: Partial<ClientLimits>;
  /**
   * The HTTPS listener (port 0 picks one); `publicPort` is the port redirects to https name
   * (default: the bound port).
   */
  tls?: { host: string; port: number; publicPort?: number };
  /** Request metrics and the access log (none: no per-request work for them). */
  observers?: RequestObservers;
}

/** A host the engine serves: its entry and the entry's fingerprint. */
interface ServedHost {
  entry: HostRoutes;
  fingerprint: string;
}

/** The running built-in engine. */
export interface BuiltinEngine extends GatewayEngine {
  readonly kind: "builtin";
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
  /** The bound HTTPS port, when there is a TLS listener. */
  readonly tlsPort: number | undefined;
}

/**
 * A redirect: by default the 308 to the https URL of a host served over HTTPS (RFC 9110 §15.4.9:
 * method and body kept), else a RequestRedirect filter's own code.
 */
function redirect(res: ClientResponse, location: string, status = 308): void {
  const body = `${TEXT.redirect(location)}\n`;
  res.writeHead(status, { location, "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** What routing reads of a request. */
function view(
  name: string,
  url: string,
  method: string,
  headers: Record<string, string | string[] | undefined>,
  scheme: "http" | "https",
  port: number | undefined,
): RequestView {
  return {
    name,
    url,
    method,
    scheme,
    port,
    header(n) {
      const v = headers[n];
      return Array.isArray(v) ? v.join(", ") : v;
    },
  };
}

/** The gateway's own answer to a request routing sent to no backend. */
function answer(res: ClientResponse, r: Exclude<Routing, { type: "route" }>): void {
  switch (r.type) {
    case "no-host":
      return plain(res, 404, TEXT.noHost);
    case "no-path":
      return plain(res, 404, TEXT.noPath);
    case "unavailable":
      return plain(res, 503, TEXT.unavailable(r.reason));
    case "redirect":
      return redirect(res, r.location, r.status);
    case "error":
      return plain(res, 500, TEXT.routeError(r.reason));
  }
}

/** How a request's body goes upstream, from its framing fields (checkRequest has vetted them). */
function bodyOf(req: IncomingMessage): RequestBody {
  if (req.headers["transfer-encoding"] !== undefined) return "chunked";
  return req.headers["content-length"] !== undefined ? "length" : "none";
}

/** A gateway-made error answer; nginx closes the connection after each of these. */
function refuse(res: ServerResponse, status: number, reason: string): void {
  res.shouldKeepAlive = false;
  plain(res, status, `kdns gateway: ${reason}`);
}

/** The response node:http is writing on `socket`, if any (what its own clientError default checks). */
function responseInFlight(socket: Duplex): ServerResponse | null | undefined {
  return (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
}

/** Starts the proxy on an empty table (every request 404). */
export async function startBuiltinEngine(options: BuiltinEngineOptions): Promise<BuiltinEngine> {
  const timeouts: ForwardTimeouts = {
    connectMs: options.timeouts?.connectMs ?? 5_000,
    idleMs: options.timeouts?.idleMs ?? 60_000,
  };
  const limits = clientLimits(options.limits);
  const pool = new UpstreamPool({ maxIdle: 256, idleMs: 30_000 });
  const upstreams: Upstreams = { pool, timeouts, bodyTimeoutMs: limits.bodyTimeoutMs };
  const lookups: Lookups = { plain: new Map(), secure: new Map() };
  /** The hosts served, by name, with their entries' fingerprints and compiled forms. */
  const served = new Map<string, ServedHost>();
  let lastHosts: readonly HostRoutes[] | undefined;
  const observers = options.observers?.metrics || options.observers?.accessLog ? options.observers : undefined;

  const server: Server = createServer(
    {
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // node:http keeps an idle connection 1 s past keepAliveTimeout by default; nginx closes it on time.
      keepAliveTimeoutBuffer: 0,
      headersTimeout: limits.headerTimeoutMs,
      requestTimeout: 0,
      // node:http enforces headersTimeout when it sweeps its connections, every this many ms.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headerTimeoutMs / 4))),
      // A bound for node:http's own parser (it counts fewer bytes than the wire); checkRequest
      // applies the limits as nginx does.
      maxHeaderSize: limits.headerBuffers * limits.headerBufferBytes,
    },
    (req, res) => handle(req, res, false),
  );
  /**
   * One request; `expectContinue` when it carries `Expect: 100-continue`, answered once the head
   * passed the checks, as nginx answers it when it starts reading (or discarding) the body: a
   * request refused for its head is never invited to send its body.
   */
  function handle(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    // keepalive_requests: node:http says `Connection: close` on the last response but keeps the
    // connection open (and answers 503 to what follows); nginx closes it after that response.
    if ((res as ServerResponse & { maxRequestsOnConnectionReached?: boolean }).maxRequestsOnConnectionReached)
      res.shouldKeepAlive = false;
    const watch = observers && new RequestWatch(observers, req, res, req.socket.remoteAddress ?? "", req.socket);
    const secure = (req.socket as TLSSocket).encrypted === true;
    const c = checkRequest(req, limits, secure ? "https" : "http");
    if (c.type === "reject") return refuse(res, c.status, c.reason);
    if (expectContinue) res.writeContinue();
    const method = req.method ?? "GET";
    const scheme = secure ? "https" : "http";
    const r = route(
      secure ? lookups.secure : lookups.plain,
      view(c.name, c.url, method, req.headers, scheme, req.socket.localPort),
    );
    watch?.routed(c.name, r);
    if (r.type !== "route") return answer(res, r);
    const mode = bodyOf(req);
    const streamBody = mode === "chunked" || (mode === "length" && req.headers["content-length"] !== "0");
    const remote = req.socket.remoteAddress ?? "";
    const raw = r.request ? editHeaders(req.rawHeaders, r.request) : req.rawHeaders;
    const head = requestHead(method, r.path, raw, remote, mode, r.host ?? c.authority, scheme);
    forward(req, res, method, head, mode, streamBody, r.backends, upstreams, req.socket, false, watch, r.response);
  }

  /** One HTTP/2 request (always over TLS); as {@link handle}. */
  function handleH2(req: Http2ServerRequest, res: Http2ServerResponse, expectContinue: boolean): void {
    const remote = req.stream.session?.socket?.remoteAddress ?? "";
    const watch = observers && new RequestWatch(observers, req, res, remote);
    const c = checkH2Request(req.headers, req.rawHeaders, limits);
    if (c.type === "reject") return plain(res, c.status, `kdns gateway: ${c.reason}`);
    if (expectContinue) res.writeContinue();
    const r = route(
      lookups.secure,
      view(c.name, c.url, c.method, req.headers, "https", req.stream.session?.socket?.localPort),
    );
    watch?.routed(c.name, r);
    if (r.type !== "route") return answer(res, r);
    const mode = h2Body(req.headers, req.stream.endAfterHeaders);
    const streamBody = mode === "chunked" || (mode === "length" && req.headers["content-length"] !== "0");
    const raw = r.request ? editHeaders(req.rawHeaders, r.request) : req.rawHeaders;
    const head = h2RequestHead(c.method, r.path, raw, remote, mode, r.host ?? c.authority);
    forward(req, res, c.method, head, mode, streamBody, r.backends, upstreams, req.stream, true, watch, r.response);
  }
  server.on("checkContinue", (req, res) => handle(req, res, true));
  server.maxRequestsPerSocket = limits.keepAliveRequests;
  const upgraded = new Set<Duplex>();
  server.on("upgrade", (req, socket, head) => {
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    // Counted and logged as nginx does: when the connection closes, as 101 when it was upgraded.
    let answer: UpgradeAnswer | undefined;
    let watch: RequestWatch | undefined;
    if (observers) {
      answer = new UpgradeAnswer(socket);
      watch = new RequestWatch(observers, req, answer, req.socket.remoteAddress ?? "", req.socket);
      answer.trace = watch;
    }
    const reject = (code: number, text: string, location?: string): void => {
      answer?.sent(code);
      rejectUpgrade(socket, code, text, location);
    };
    const secure = (req.socket as TLSSocket).encrypted === true;
    const c = checkRequest(req, limits, secure ? "https" : "http");
    if (c.type === "reject") return reject(c.status, `kdns gateway: ${c.reason}`);
    const proto = secure ? "https" : "http";
    const method = req.method ?? "GET";
    const r = route(
      secure ? lookups.secure : lookups.plain,
      view(c.name, c.url, method, req.headers, proto, req.socket.localPort),
    );
    watch?.routed(c.name, r);
    if (r.type === "no-host") return reject(404, TEXT.noHost);
    if (r.type === "no-path") return reject(404, TEXT.noPath);
    if (r.type === "unavailable") return reject(503, TEXT.unavailable(r.reason));
    if (r.type === "error") return reject(500, TEXT.routeError(r.reason));
    if (r.type === "redirect") return reject(r.status ?? 308, TEXT.redirect(r.location), r.location);
    const backend = r.backends[0];
    if (backend)
      forwardUpgrade(req, socket, head, backend, r.path, r.host ?? c.authority, proto, timeouts.connectMs, answer);
  });
  // A gateway does not tunnel; nginx 1.22 answers CONNECT with 400.
  server.on("connect", (_req, socket) => rejectUpgrade(socket, 400, "kdns gateway: CONNECT is not served"));
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    // client_header_timeout: nginx closes such a connection without an answer.
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return socket.destroy();
    // A response already under way (a refused request whose body then failed to parse, or a
    // relayed one) is not followed by a second one: the connection ends after what was written.
    if (responseInFlight(socket)?.headersSent) return socket.end();
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = addr !== null && typeof addr === "object" ? addr.port : options.port;
  const listen = formatHostPort({ host: options.host, port });

  let h2: H2Side | undefined;
  let tls: TlsListener | undefined;
  if (options.tls) {
    try {
      const side = createH2Side(limits, handleH2, (_req, res) =>
        plain(res, 400, "kdns gateway: CONNECT is not served"),
      );
      h2 = side;
      tls = await startTlsListener({
        host: options.tls.host,
        port: options.tls.port,
        defaultCertificate: await makeDefaultCertificate(),
        handshakeTimeoutMs: limits.headerTimeoutMs,
        onConnection: (socket) => (socket.alpnProtocol === "h2" ? side.server : server).emit("connection", socket),
      });
    } catch (err) {
      server.close();
      throw err;
    }
  }
  const tlsPort = tls?.port;
  const publicPort = options.tls?.publicPort ?? tlsPort;

  return {
    kind: "builtin",
    listen,
    port,
    tlsPort,
    ...(options.tls && tlsPort !== undefined
      ? { tlsListen: formatHostPort({ host: options.tls.host, port: tlsPort }) }
      : {}),
    async apply(table: RouteTable): Promise<ApplyResult> {
      if (table.hosts === lastHosts) return { type: "unchanged" };
      const before = lastHosts;
      lastHosts = table.hosts;
      // A host whose entry is the one served, or equal to it, keeps its compiled form (and its
      // round-robin cursors): applying costs the hosts that changed. Nothing awaits below, so no
      // request sees the lookups half updated.
      const fresh: ServedHost[] = [];
      let kept = 0;
      const aligned = before?.length === table.hosts.length;
      for (let i = 0; i < table.hosts.length; i++) {
        const h = table.hosts[i] as HostRoutes;
        if (aligned && before[i] === h) {
          kept++; // the table builder keeps an unchanged host's entry, in place
          continue;
        }
        const old = served.get(h.host);
        if (old !== undefined) kept++;
        if (old !== undefined && old.entry === h) continue;
        const fingerprint = hostFingerprint(h);
        if (old !== undefined && old.fingerprint === fingerprint) old.entry = h;
        else fresh.push({ entry: h, fingerprint });
      }
      const removed = kept < served.size;
      if (fresh.length === 0 && !removed && before !== undefined) return { type: "unchanged" };
      const metrics = options.observers?.metrics;
      metrics?.adopt(table);
      if (removed) {
        const names = new Set(table.hosts.map((h) => h.host));
        for (const name of [...served.keys()])
          if (!names.has(name)) {
            served.delete(name);
            lookups.plain.delete(name);
            lookups.secure.delete(name);
          }
      }
      const port = tls ? publicPort : undefined;
      for (const host of fresh) {
        const name = host.entry.host;
        const compiled = compileHost(host.entry, port, metrics);
        served.set(name, host);
        lookups.plain.set(name, compiled.plain);
        if (compiled.secure) lookups.secure.set(name, compiled.secure);
        else lookups.secure.delete(name);
      }
      if (tls) {
        const certificates = new Map<string, ServingCertificate>();
        for (const h of table.hosts) if (h.tls) certificates.set(h.host, h.tls.certificate);
        tls.setCertificates(certificates);
      }
      return { type: "applied" };
    },
    lookup: (secure) => (secure ? lookups.secure : lookups.plain),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await tls?.close();
      h2?.destroyAll();
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      pool.destroy();
      await closed;
    },
  };
}
