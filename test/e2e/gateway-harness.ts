/**
 * The gateway end to end, in process: an API server (memory store) on loopback, the gateway with
 * either engine against it on a free port, echo backends, and an HTTP helper that sets the Host
 * header (fetch cannot).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resourceByPath } from "../../src/api/resources.ts";
import type { DNSRecord } from "../../src/api/types.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { type GatewayOptions, type RunningGateway, startGateway } from "../../src/gateway/index.ts";
import { parseHostPort } from "../../src/machinery/host-port.ts";
import { freePort } from "../support/free-port.ts";
import { closeServer, listenOrFail } from "../support/listen.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Harness, startHarness } from "./apiserver-harness.ts";

export const DNSRECORDS = resourceByPath("kdns.dev", "dnsrecords")!;
export const SERVICES = resourceByPath("", "services")!;
export const ENDPOINTS = resourceByPath("", "endpoints")!;

/** API + gateway. */
export interface GatewayHarness {
  api: Harness;
  client: RestClient;
  gateway: RunningGateway;
  port: number;
  /** The HTTPS port, when the gateway was started with `tls`. */
  tlsPort: number | undefined;
  dataDir: string;
  /**
   * Resolves once the record's status says Served. The gateway writes status only after the engine
   * applied the change — for nginx after the reload's old workers exited — so from then on no
   * connection can reach a worker running the previous configuration.
   */
  served(name: string): Promise<void>;
  /** Resolves with the record's Served condition once `accept` takes it. */
  condition(name: string, accept: (c: ServedCondition) => boolean, what: string): Promise<ServedCondition>;
  close(): Promise<void>;
}

/** A DNSRecord's Served condition. */
export type ServedCondition = NonNullable<NonNullable<DNSRecord["status"]>["conditions"]>[number];

/** Starts the API and the gateway with `engine` on a free loopback port. */
export async function startGatewayHarness(
  engine: "builtin" | "nginx",
  extra: Partial<GatewayOptions> = {},
): Promise<GatewayHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), `kdns-gw-${engine}-`));
  const api = await startHarness();
  const client = new RestClient({ server: api.url });
  const port = await freePort();
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ client, engine, host: "127.0.0.1", port, dataDir, ...extra });
    await waitFor(() => gateway.ready(), { what: "gateway caches synced" });
  } catch (err) {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    api,
    client,
    gateway,
    port,
    tlsPort: gateway.engine.tlsListen !== undefined ? parseHostPort(gateway.engine.tlsListen).port : undefined,
    dataDir,
    condition: (name, accept, what) =>
      waitFor(
        async () => {
          const c = (await client.get<DNSRecord>(DNSRECORDS, "default", name)).status?.conditions?.[0];
          return c && accept(c) ? c : undefined;
        },
        { what: `${name}: ${what}` },
      ),
    async served(name) {
      await waitFor(
        async () =>
          (await client.get<DNSRecord>(DNSRECORDS, "default", name)).status?.conditions?.[0]?.status === "True",
        { what: `${name} Served=True` },
      );
    },
    async close() {
      await gateway.close();
      await api.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A response read to the end. */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request to `127.0.0.1:port` (or `init.address`) with the given Host header; a fresh connection each time. */
export function http(
  port: number,
  host: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; address?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: init.address ?? "127.0.0.1",
        port,
        path,
        method: init.method ?? "GET",
        headers: { host, ...init.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`request ${host}${path} timed out`)));
    req.on("error", reject);
    req.end(init.body);
  });
}

/** What an echo backend saw. */
export interface Echo {
  name: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyLength: number;
  body: string;
}

/**
 * An HTTP server that answers every request with an {@link Echo} as JSON; upgrades echo raw bytes.
 * It listens on `host` and a port the OS picks (unless given); a listen error rejects at once.
 */
export async function startEcho(
  name: string,
  host = "127.0.0.1",
  port = 0,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith("/echo-body")) {
        res.writeHead(200, { "content-type": "application/octet-stream", "x-backend": name });
        res.end(body);
        return;
      }
      const echo: Echo = {
        name,
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        bodyLength: body.length,
        body: body.toString().slice(0, 1000),
      };
      res.writeHead(200, { "content-type": "application/json", "x-backend": name });
      res.end(JSON.stringify(echo));
    });
  });
  server.on("upgrade", (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: ${req.headers.upgrade ?? ""}\r\nconnection: upgrade\r\nx-backend: ${name}\r\n\r\n`,
    );
    socket.pipe(socket);
  });
  return { server, port: await listenOrFail(server, port, host), close: () => closeServer(server) };
}

/** A DNSRecord in the default namespace. */
export function dnsRecord(name: string, host: string, paths: DNSRecord["spec"]["paths"]): DNSRecord {
  return {
    apiVersion: "kdns.dev/v1",
    kind: "DNSRecord",
    metadata: { name, namespace: "default" },
    spec: { host, paths },
  };
}
