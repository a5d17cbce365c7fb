/**
 * `/healthz` and `/readyz` of a component running alone (CoreDNS's health and ready plugins):
 * alive while the process serves HTTP; ready once the component's data has synced, so a load
 * balancer sends traffic only to replicas that answer from a full cache.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type HostPort, ListenError } from "./host-port.ts";
import { type MetricsSource, serveMetrics } from "./metrics-endpoint.ts";

/** A running health endpoint. */
export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Settings of {@link startHealthServer}. */
export interface HealthOptions {
  /** Names the component in the `/readyz` text (default `dns`). */
  part?: string;
  /** Serve it at `/metrics` too. */
  metrics?: MetricsSource;
  /** More read-only paths under `prefix` (the component's explain endpoints); the handler answers every outcome. */
  mount?: { prefix: string; handler: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> };
}

/**
 * Serves `/healthz` and `/livez` (always ok), `/readyz` (200 when `ready()`, else 503 saying
 * `<part>: not synced`), given a registry `/metrics`, and given a mount the paths under it. Rejects with a {@link ListenError}
 * when the address cannot be bound.
 */
export async function startHealthServer(
  listen: HostPort,
  ready: () => boolean,
  options: HealthOptions = {},
): Promise<HealthServer> {
  const part = options.part ?? "dns";
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (code: number, text: string): void => {
      res.writeHead(code, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    if (path === "/healthz" || path === "/livez") return send(200, "ok");
    if (path === "/readyz") return ready() ? send(200, "ok") : send(503, `${part}: not synced\n`);
    if (path === "/metrics" && options.metrics) return void serveMetrics(options.metrics, res);
    const mount = options.mount;
    if (mount && path?.startsWith(mount.prefix))
      return void mount.handler(req, res, new URL(req.url ?? "/", "http://localhost"));
    send(404, "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new ListenError("health", listen, err)));
    server.listen(listen.port, listen.host, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr ? addr.port : listen.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
