/**
 * The process's metrics registry: Node's process figures (prom-client's defaults) plus whatever
 * the parts register, served at the API server's `/metrics` (`kdns up`, `kdns apiserver`), on
 * `--health-listen` (`kdns dns`, `kdns controllers`, `kdns gateway`) and on `--metrics-listen` when given.
 */
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { startHealthServer } from "../../machinery/health-server.ts";
import { formatHostPort, type HostPort } from "../../machinery/host-port.ts";
import { flag, hostPortFlag } from "../flags.ts";
import type { PartStack } from "../stack.ts";
import { clientVersion } from "../version-info.ts";
import type { Say } from "./types.ts";

/** A registry with the process metrics in it. */
export function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** CoreDNS's build info gauge, for a process that serves DNS (dashboards key on it). */
export function registerDnsBuildInfo(registry: Registry): void {
  const info = new Gauge({
    name: "coredns_build_info",
    help: "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
    labelNames: ["version", "revision", "goversion"],
    registers: [registry],
  });
  info.set({ version: `kdns-${clientVersion()}`, revision: "", goversion: process.version }, 1);
}

/**
 * `--metrics on|off`: whether DNS counts queries and the gateway requests at all (off: no DNS or
 * gateway families; the other parts still count).
 */
export function metricsFlag() {
  return flag("--metrics <on|off>", "count DNS queries and gateway requests into /metrics (off: neither is counted)", {
    default: "on",
    choices: ["on", "off"],
  });
}

/** `--metrics-listen`: a listener of its own for `/metrics` (CoreDNS's habit is :9153). */
export function metricsListenFlag() {
  return flag("--metrics-listen <host:port>", "also serve /metrics here (default: off)", { parse: hostPortFlag });
}

/** Starts the `--metrics-listen` server when the flag is given. */
export async function startMetricsListener(
  listen: HostPort | undefined,
  registry: Registry,
  stack: PartStack,
  say: Say,
): Promise<void> {
  if (listen === undefined) return;
  const server = await startHealthServer(listen, () => true, { part: "metrics", metrics: registry });
  stack.push({ name: "metrics", close: () => server.close() });
  say(`kdns: metrics at http://${formatHostPort({ host: listen.host, port: server.port })}/metrics`);
}
