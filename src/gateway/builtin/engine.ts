/**
 * The built-in engine: the route table served by a Node reverse proxy — node:http towards clients,
 * a raw-socket keep-alive pool towards backends (node:http's client cost about half the proxy's
 * time; see BENCHMARKS.md). Applying a table swaps one reference, so a change
 * is live for the next request with no reload and no dropped connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { formatHostPort } from "../../machinery/host-port.ts";
import { type ClientLimits, clientLimits } from "../client-limits.ts";
import type { ApplyResult, GatewayEngine } from "../engine.ts";
import type { RouteTable } from "../routes/model.ts";
import { TEXT } from "../texts.ts";
import { type ForwardTimeouts, forward, plain } from "./forward.ts";
import { compileLookup, type Lookup, route } from "./lookup.ts";
import { checkRequest } from "./request-check.ts";
import { forwardUpgrade, rejectUpgrade } from "./upgrade.ts";
import { UpstreamPool } from "./upstream-pool.ts";

/** Options of {@link startBuiltinEngine}. */
export interface BuiltinEngineOptions {
  host: string;
  port: number;
  timeouts?: Partial<ForwardTimeouts>;
  /** Client connection limits (default: nginx's, as the nginx engine renders them too). */
  limits?: Partial<ClientLimits>;
}

/** The running built-in engine. */
export interface BuiltinEngine extends GatewayEngine {
  readonly kind: "builtin";
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
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
  let lookup: Lookup = new Map();
  let lastTable = "";

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
    const c = checkRequest(req, limits);
    if (c.type === "reject") return refuse(res, c.status, c.reason);
    if (expectContinue) res.writeContinue();
    const r = route(lookup, c.name, c.url);
    switch (r.type) {
      case "no-host":
        return plain(res, 404, TEXT.noHost);
      case "no-path":
        return plain(res, 404, TEXT.noPath);
      case "unavailable":
        return plain(res, 503, TEXT.unavailable(r.reason));
      case "route":
        return forward(req, res, r.backends, r.path, c.authority, pool, timeouts, limits.bodyTimeoutMs);
    }
  }
  server.on("checkContinue", (req, res) => handle(req, res, true));
  server.maxRequestsPerSocket = limits.keepAliveRequests;
  const upgraded = new Set<Duplex>();
  server.on("upgrade", (req, socket, head) => {
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    const c = checkRequest(req, limits);
    if (c.type === "reject") return rejectUpgrade(socket, c.status, `kdns gateway: ${c.reason}`);
    const r = route(lookup, c.name, c.url);
    if (r.type === "no-host") return rejectUpgrade(socket, 404, TEXT.noHost);
    if (r.type === "no-path") return rejectUpgrade(socket, 404, TEXT.noPath);
    if (r.type === "unavailable") return rejectUpgrade(socket, 503, TEXT.unavailable(r.reason));
    const backend = r.backends[0];
    if (backend) forwardUpgrade(req, socket, head, backend, r.path, c.authority, timeouts.connectMs);
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

  return {
    kind: "builtin",
    listen,
    port,
    async apply(table: RouteTable): Promise<ApplyResult> {
      const fingerprint = JSON.stringify(table.hosts);
      if (fingerprint === lastTable) return { type: "unchanged" };
      lastTable = fingerprint;
      lookup = compileLookup(table);
      return { type: "applied" };
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      pool.destroy();
      await closed;
    },
  };
}
