/**
 * The built-in engine: the route table served by a Node reverse proxy — node:http towards clients,
 * a raw-socket keep-alive pool towards backends (node:http's client cost about half the proxy's
 * time; see BENCHMARKS.md). Applying a table swaps one reference, so a change
 * is live for the next request with no reload and no dropped connection.
 */
import { createServer, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ApplyResult, GatewayEngine } from "../engine.ts";
import type { RouteTable } from "../routes/model.ts";
import { TEXT } from "../texts.ts";
import { type ForwardTimeouts, forward, plain } from "./forward.ts";
import { compileLookup, type Lookup, route } from "./lookup.ts";
import { forwardUpgrade, rejectUpgrade } from "./upgrade.ts";
import { UpstreamPool } from "./upstream-pool.ts";

/** Options of {@link startBuiltinEngine}. */
export interface BuiltinEngineOptions {
  host: string;
  port: number;
  timeouts?: Partial<ForwardTimeouts>;
}

/** The running built-in engine. */
export interface BuiltinEngine extends GatewayEngine {
  readonly kind: "builtin";
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
}

/** Starts the proxy on an empty table (every request 404). */
export async function startBuiltinEngine(options: BuiltinEngineOptions): Promise<BuiltinEngine> {
  const timeouts: ForwardTimeouts = {
    connectMs: options.timeouts?.connectMs ?? 5_000,
    idleMs: options.timeouts?.idleMs ?? 60_000,
  };
  const pool = new UpstreamPool({ maxIdle: 256, idleMs: 30_000 });
  let lookup: Lookup = new Map();
  let lastTable = "";

  const server: Server = createServer({ keepAliveTimeout: 75_000, requestTimeout: 0 }, (req, res) => {
    const r = route(lookup, req.headers.host, req.url ?? "/");
    switch (r.type) {
      case "no-host":
        return plain(res, 404, TEXT.noHost);
      case "no-path":
        return plain(res, 404, TEXT.noPath);
      case "unavailable":
        return plain(res, 503, TEXT.unavailable(r.reason));
      case "route":
        return forward(req, res, r.backends, r.path, pool, timeouts);
    }
  });
  const upgraded = new Set<Duplex>();
  server.on("upgrade", (req, socket, head) => {
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    const r = route(lookup, req.headers.host, req.url ?? "/");
    if (r.type === "no-host") return rejectUpgrade(socket, 404, TEXT.noHost);
    if (r.type === "no-path") return rejectUpgrade(socket, 404, TEXT.noPath);
    if (r.type === "unavailable") return rejectUpgrade(socket, 503, TEXT.unavailable(r.reason));
    const backend = r.backends[0];
    if (backend) forwardUpgrade(req, socket, head, backend, r.path, timeouts.connectMs);
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
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
  const listen = options.host.includes(":") ? `[${options.host}]:${port}` : `${options.host}:${port}`;

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
