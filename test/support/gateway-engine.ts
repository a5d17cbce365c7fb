/**
 * One gateway engine started directly on a route table, for tests of its HTTP handling: the
 * built-in engine on port 0 of 127.0.0.1, nginx on a fixed port of a random 127.x.y.z address
 * (nginx cannot report a port it picked, and a reload must find the same one), each also with a
 * TLS listener when asked. A listen error fails at once with nginx's own message.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBuiltinEngine } from "../../src/gateway/builtin/engine.ts";
import type { ClientLimits } from "../../src/gateway/client-limits.ts";
import type { GatewayEngine } from "../../src/gateway/engine.ts";
import { startNginxEngine } from "../../src/gateway/nginx/engine.ts";
import type { RouteTable } from "../../src/gateway/routes/model.ts";
import { makeDefaultCertificate } from "../../src/gateway/tls/default-certificate.ts";
import { type LoggingBackend, startLoggingBackend } from "./logging-backend.ts";
import { dnsRoute, recordOwner } from "./routes.ts";

/** A running engine and where to reach it. */
export interface TestEngine {
  engine: GatewayEngine;
  host: string;
  port: number;
  /** The HTTPS port, when started with TLS. */
  tlsPort: number | undefined;
  close(): Promise<void>;
}

/** Ports nginx listens on, on its own loopback address. */
const NGINX_PORT = 18080;
const NGINX_TLS_PORT = 18443;

/** A loopback address other than 127.0.0.1, picked at random so parallel runs do not meet. */
function randomLoopback(): string {
  const byte = (from: number): number => from + Math.floor(Math.random() * (255 - from));
  return `127.${byte(1)}.${byte(0)}.${byte(2)}`;
}

/** Starts `kind` with `limits`, serving `table`. */
export async function startTestEngine(
  kind: "builtin" | "nginx",
  table: RouteTable,
  limits: Partial<ClientLimits> = {},
  tls = false,
): Promise<TestEngine> {
  if (kind === "builtin") {
    const engine = await startBuiltinEngine({
      host: "127.0.0.1",
      port: 0,
      limits,
      ...(tls ? { tls: { host: "127.0.0.1", port: 0 } } : {}),
    });
    await engine.apply(table);
    return { engine, host: "127.0.0.1", port: engine.port, tlsPort: engine.tlsPort, close: () => engine.close() };
  }
  const dataDir = await mkdtemp(join(tmpdir(), "kdns-gw-engine-"));
  const host = randomLoopback();
  try {
    // One worker: per-worker state (keep-alive pools, connection counts) is then the whole state.
    const engine = await startNginxEngine({
      listen: `${host}:${NGINX_PORT}`,
      dataDir,
      limits,
      workers: 1,
      ...(tls ? { tls: { listen: `${host}:${NGINX_TLS_PORT}` } } : {}),
    });
    await engine.apply(table);
    return {
      engine,
      host,
      port: NGINX_PORT,
      tlsPort: tls ? NGINX_TLS_PORT : undefined,
      async close() {
        await engine.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** An engine routing smug.test and evil.test to a logging backend each: the hostile-HTTP set-up. */
export interface TwoHosts {
  gw: TestEngine;
  smug: LoggingBackend;
  evil: LoggingBackend;
  close(): Promise<void>;
}

/**
 * Starts the two logging backends and `kind` routing `/` of each host to its own, over plain HTTP
 * and over TLS too (both hosts with one self-signed certificate, no redirect); closes what started
 * on failure.
 */
export async function startTwoHosts(kind: "builtin" | "nginx", limits: Partial<ClientLimits>): Promise<TwoHosts> {
  const started: { close(): Promise<void> }[] = [];
  const close = async (): Promise<void> => {
    for (const s of started.reverse()) await s.close();
  };
  try {
    const smug = await startLoggingBackend();
    started.push(smug);
    const evil = await startLoggingBackend();
    started.push(evil);
    const certificate = await makeDefaultCertificate();
    const route = (host: string, port: number) => ({
      host,
      routes: [
        dnsRoute({ prefix: "/", record: `default/${host}`, target: host, backends: [{ ip: "127.0.0.1", port }] }),
      ],
      tls: { secret: "default/hostile", owner: recordOwner(`default/${host}`), certificate, redirect: false },
    });
    const table: RouteTable = { hosts: [route("evil.test", evil.port), route("smug.test", smug.port)], outcomes: [] };
    const gw = await startTestEngine(kind, table, limits, true);
    started.push(gw);
    return { gw, smug, evil, close };
  } catch (err) {
    await close();
    throw err;
  }
}
