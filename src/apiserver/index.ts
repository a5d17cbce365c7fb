/**
 * The API server's public surface: a Kubernetes-compatible REST + watch server on `node:http`
 * (or `node:https` when given a certificate) over any {@link Storage} backend.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Registry } from "prom-client";
import { advertisedAddress, formatHostPort, isLoopback, ListenError, parseHostPort } from "../machinery/host-port.ts";
import { logger } from "../machinery/log.ts";
import { serveMetrics } from "../machinery/metrics-endpoint.ts";
import { ApiError } from "../machinery/status.ts";
import type { Storage } from "../storage/storage.ts";
import { type Authenticator, bearerAuthenticator, loadTokens, PUBLIC_PATHS, unauthorized } from "./auth.ts";
import { ClusterIpAllocator } from "./cluster-ip/allocator.ts";
import { repairClusterIps } from "./cluster-ip/repair.ts";
import type { ApiContext } from "./context.ts";
import { createObject } from "./create.ts";
import { handleApi } from "./handler.ts";
import { type ReadyCheck, serveLive, serveReady, versionInfo } from "./health.ts";
import { startKubernetesService } from "./kubernetes-service/reconciler.ts";
import { measuredStorage } from "./metrics/measured-storage.ts";
import { startObjectCounts } from "./metrics/object-counts.ts";
import { RequestMetrics } from "./metrics/request-metrics.ts";
import { NAMESPACES, SYSTEM_NAMESPACES } from "./namespaces.ts";
import { sendError, sendJson } from "./respond.ts";
import { WatchCache } from "./watch-cache/watch-cache.ts";

const log = logger("apiserver");

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  /** `host:port`; port 0 picks a free one. */
  listen: string;
  storage: Storage;
  /** Bearer tokens, one per line (or kube-apiserver's CSV token file); required off loopback. */
  tokenFile?: string;
  /** Service cluster IP range (default `10.96.0.0/12`). */
  serviceCidr?: string;
  /** How often watches with `allowWatchBookmarks=true` get a BOOKMARK (default 30 s). */
  bookmarkIntervalMs?: number;
  /**
   * Serve HTTPS with this PEM certificate (chain) and key. kubectl (client-go) sends a bearer
   * token only over TLS, so a server with `tokenFile` wants this too.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Served at `/metrics`, behind the same token as the API (every component's, with `kdns up`);
   * the server registers its request, storage and object-count families in it.
   */
  metrics?: Registry;
  /** How often stored objects are counted for `apiserver_resource_objects` (default 60 s). */
  objectCountIntervalMs?: number;
  /** How often the `kubernetes` Service's endpoints are reconciled and this server's lease renewed (default 10 s). */
  endpointReconcileIntervalMs?: number;
  /** How long a lease lives without renewal before the server drops out of those endpoints (default 15 s). */
  leaseTtlMs?: number;
  /** Serve lists and watch starts from memory (the watch cache; default true). */
  watchCache?: boolean;
  /** Live events a watcher may have waiting for its socket before it is closed as fallen behind (default 10,000). */
  watchQueueLimit?: number;
}

/** Serves a request under a mounted prefix; a thrown ApiError becomes its Status response. */
export type MountHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** A started API server. */
export interface RunningApiServer {
  /** `http://host:port` (or `https://…` with `tls`) actually bound. */
  url: string;
  /** Adds a check that `/readyz` requires to be true; `detail` says what it waits for (`?verbose`). */
  addReadyCheck(name: string, check: () => boolean, detail?: () => string): void;
  /**
   * Serves every path under `prefix` (e.g. `/ui/`) with `handler`, behind the API's token unless
   * `public` (for static files that hold no data). Paths of the API itself cannot be taken.
   */
  mount(prefix: string, handler: MountHandler, options?: { public?: boolean }): void;
  /** Stops listening, ends open watches and connections. */
  close(): Promise<void>;
}

async function ensureSystemNamespaces(ctx: ApiContext): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    try {
      const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name } };
      await createObject(ctx, NAMESPACES, undefined, ns, { fieldManager: "kube-apiserver" });
    } catch (err) {
      if (!(err instanceof ApiError && err.status.reason === "AlreadyExists")) throw err;
    }
  }
}

/** Starts the API server: repairs IP reservations, creates the system namespaces, then listens. */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const { host, port } = parseHostPort(options.listen);
  if (!isLoopback(host) && options.tokenFile === undefined) {
    throw new Error(`refusing to listen on ${options.listen} without --token-file`);
  }
  const authenticate: Authenticator | undefined =
    options.tokenFile === undefined ? undefined : bearerAuthenticator(await loadTokens(options.tokenFile));
  const registry = options.metrics;
  const cache = options.watchCache === false ? undefined : new WatchCache(options.storage);
  const served = cache ?? options.storage;
  const storage = registry ? measuredStorage(served, registry) : served;
  const ctx: ApiContext = {
    storage,
    ips: new ClusterIpAllocator(storage, options.serviceCidr ?? "10.96.0.0/12"),
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 30_000,
    ...(options.watchQueueLimit !== undefined ? { watchQueueLimit: options.watchQueueLimit } : {}),
    ...(registry ? { requests: new RequestMetrics(registry) } : {}),
  };
  const repaired = await repairClusterIps(ctx.storage, ctx.ips);
  if (repaired.added.length + repaired.dropped.length > 0) log.info(repaired, "repaired service IP reservations");
  await ensureSystemNamespaces(ctx);

  const checks: ReadyCheck[] = [];
  const mounts: { prefix: string; handler: MountHandler; public: boolean }[] = [];
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const mounted = mounts.find((m) => url.pathname.startsWith(m.prefix) || path === m.prefix.replace(/\/$/, ""));
    if (PUBLIC_PATHS.has(path) && (req.method === "GET" || req.method === "HEAD")) {
      if (path === "/version") return sendJson(res, 200, versionInfo());
      if (path === "/readyz") return await serveReady(res, ctx.storage, checks, url.searchParams.has("verbose"));
      return serveLive(res);
    }
    if (mounted?.public) return await mounted.handler(req, res, url);
    if (authenticate && !authenticate(req.headers.authorization)) {
      return sendError(res, unauthorized(), { "www-authenticate": 'Bearer realm="kdns"' });
    }
    if (path === "/metrics" && options.metrics && (req.method === "GET" || req.method === "HEAD")) {
      return await serveMetrics(options.metrics, res);
    }
    if (mounted) return await mounted.handler(req, res, url);
    await handleApi(ctx, req, res, url);
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    serve(req, res).catch((err: unknown) => {
      // An unread oversized body: answer, then drop the connection instead of draining it.
      const close = err instanceof ApiError && err.code === 413;
      sendError(res, err, close ? { connection: "close" } : {});
      if (close) res.on("finish", () => req.destroy());
    });
  };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new ListenError("api server", { host, port }, err)));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const boundPort = bound !== null && typeof bound === "object" ? bound.port : port;
  const url = `${options.tls ? "https" : "http"}://${formatHostPort({ host, port: boundPort })}`;
  log.info({ url }, "API server listening");
  // Started once nothing can fail any more, so a failed start leaves no watch on the store behind.
  cache?.start();
  const address = advertisedAddress(host);
  const kubernetesService = await startKubernetesService(ctx, {
    self: address === undefined ? undefined : { address, port: boundPort, scheme: options.tls ? "https" : "http" },
    intervalMs: options.endpointReconcileIntervalMs ?? 10_000,
    ttlMs: options.leaseTtlMs ?? 15_000,
  });
  // Counted beside the request metrics: the counting is not API traffic (and the cache counts from memory).
  const objectCounts = registry
    ? startObjectCounts(served, registry, options.objectCountIntervalMs ?? 60_000)
    : undefined;
  return {
    url,
    addReadyCheck(name, check, detail) {
      checks.push({ name, check, ...(detail ? { detail } : {}) });
    },
    mount(prefix, handler, mountOptions) {
      if (/^\/(api|apis|openapi|metrics|healthz|livez|readyz|version)(\/|$)/.test(prefix))
        throw new Error(`cannot mount ${prefix}: the API serves it`);
      mounts.push({ prefix, handler, public: mountOptions?.public ?? false });
    },
    async close() {
      await objectCounts?.stop();
      await kubernetesService.stop();
      await cache?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
