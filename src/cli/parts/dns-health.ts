/**
 * `/healthz` and `/readyz` of `kdns dns` (CoreDNS's health and ready plugins): alive while the
 * process serves HTTP; ready once the DNS data has synced, so a load balancer sends queries
 * only to replicas that answer from a full index.
 */
import { createServer } from "node:http";
import { CliError } from "../errors.ts";
import { formatHostPort, type HostPort } from "../flags.ts";

/** A running health endpoint. */
export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `/healthz` (always ok) and `/readyz` (200 when `ready()`, else 503). */
export async function startHealthServer(listen: HostPort, ready: () => boolean): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (code: number, text: string): void => {
      res.writeHead(code, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    if (path === "/healthz" || path === "/livez") return send(200, "ok");
    if (path === "/readyz") return ready() ? send(200, "ok") : send(503, "dns: not synced\n");
    send(404, "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why = err.code === "EADDRINUSE" ? "address already in use" : err.message;
      reject(new CliError(`health: cannot listen on ${formatHostPort(listen)}: ${why}`));
    });
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
