/**
 * The gateway's public surface: start an engine (nginx or built-in) on a listen address, optionally
 * a SkyDNS publisher, and the controller feeding them from an API server.
 */
import { hostname } from "node:os";
import type { Registry } from "prom-client";
import { EventRecorder } from "../client/event-recorder.ts";
import type { RestClient } from "../client/rest-client.ts";
import type { SharedInformers } from "../client/shared-informers.ts";
import { formatHostPort, reachableAddress } from "../machinery/host-port.ts";
import type { AccessLog } from "./access-log/writer.ts";
import { startBuiltinEngine } from "./builtin/engine.ts";
import { runGatewayController } from "./controller.ts";
import type { GatewayEngine } from "./engine.ts";
import { explainRoute, type RouteExplanation } from "./explain/index.ts";
import { ConfigChanges } from "./metrics/config-changes.ts";
import { GatewayMetrics } from "./metrics/gateway-metrics.ts";
import { startNginxEngine } from "./nginx/engine.ts";
import type { RequestObservers } from "./observers.ts";
import type { RouteTable } from "./routes/model.ts";
import { type SkydnsPublisher, startSkydnsPublisher } from "./skydns/publisher.ts";

export { type AccessLog, openAccessLog } from "./access-log/writer.ts";
export type { GatewayEngine } from "./engine.ts";
export { BadUrlError, type RouteExplanation } from "./explain/index.ts";

/** The Lease gateways elect their status writer with (as ingress-nginx's election id). */
export const STATUS_LEASE = { namespace: "kube-system", name: "kdns-gateway" } as const;

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  client: RestClient;
  /** Share list + watch with the process's other components (`kdns up`); default: the gateway's own. */
  informers?: SharedInformers;
  engine: "builtin" | "nginx";
  /** Listen host (IP) and port; port 0 picks a free one (built-in engine only). */
  host: string;
  port: number;
  /**
   * The HTTPS listener (port 0: a free one, built-in engine only), and the port redirects to
   * https name (default: the listener's); none without it.
   */
  tls?: { host: string; port: number; publicPort?: number };
  /** The IP DNSRecord hosts resolve to (default: `host`, or 127.0.0.1 for a wildcard host). */
  gatewayAddress?: string;
  /** kdns's data directory; the nginx engine runs in `<dataDir>/nginx`. */
  dataDir: string;
  /** Publish hosts into etcd in SkyDNS format. */
  skydns?: { endpoints: string[]; prefix: string };
  /** nginx binary for the nginx engine (default: found in /usr/sbin, /usr/local/sbin or PATH). */
  nginxBinary?: string;
  /** nginx renderer override, for tests that need a configuration nginx rejects. */
  nginxRender?: (table: RouteTable, listen: string) => string;
  /** Delay gathering bursts of changes into one apply (default: 0 built-in, 50 ms nginx). */
  coalesceMs?: number;
  /** Count requests and configuration changes into this registry (ingress-nginx's families). */
  metrics?: Registry;
  /** Where the informers' `kdns_informer_*` gauges go when `metrics` is not given (they cost no request anything). */
  informerMetrics?: Registry;
  /** Write one JSON line per request here; the gateway does not close it. */
  accessLog?: AccessLog;
}

/** A running gateway. */
export interface RunningGateway {
  engine: GatewayEngine;
  gatewayAddress: string;
  /** Whether the controller's caches synced and the engine serves the table built from them. */
  ready(): boolean;
  /** Completed controller passes. */
  passes(): number;
  /** What the gateway does with a request for `url`, and why (`kdns explain route`). */
  explain(url: string): Promise<RouteExplanation>;
  /** Stops the controller, the publisher and the engine (once; later calls wait for the first). */
  close(): Promise<void>;
}

/** Starts the gateway; on failure nothing is left running. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const gatewayAddress = options.gatewayAddress ?? reachableAddress(options.host);
  const listen = formatHostPort({ host: options.host, port: options.port });
  const tls = options.tls;
  const metrics = options.metrics ? new GatewayMetrics(options.metrics) : undefined;
  const gauges = options.metrics ?? options.informerMetrics;
  const observers: RequestObservers = {
    ...(metrics ? { metrics } : {}),
    ...(options.accessLog ? { accessLog: options.accessLog } : {}),
  };
  const engine: GatewayEngine =
    options.engine === "nginx"
      ? await startNginxEngine({
          listen,
          dataDir: options.dataDir,
          ...(options.nginxBinary !== undefined ? { binary: options.nginxBinary } : {}),
          ...(options.nginxRender ? { render: options.nginxRender } : {}),
          ...(tls
            ? {
                tls: {
                  listen: formatHostPort(tls),
                  ...(tls.publicPort !== undefined ? { publicPort: tls.publicPort } : {}),
                },
              }
            : {}),
          observers,
        })
      : await startBuiltinEngine({ host: options.host, port: options.port, ...(tls ? { tls } : {}), observers });
  // The engine serves its first (empty) configuration.
  metrics?.reloaded(true, Date.now());
  let skydns: SkydnsPublisher | undefined;
  try {
    if (options.skydns) skydns = await startSkydnsPublisher({ ...options.skydns, address: gatewayAddress });
  } catch (err) {
    await engine.close();
    throw err;
  }
  const stop = new AbortController();
  const events = new EventRecorder({ client: options.client, component: "kdns-gateway" });
  const controller = runGatewayController(
    {
      client: options.client,
      ...(options.informers ? { informers: options.informers } : {}),
      events,
      engine,
      gatewayAddress,
      ...(skydns ? { skydns } : {}),
      coalesceMs: options.coalesceMs ?? (options.engine === "nginx" ? 50 : 0),
      // The same identity after a restart, so a gateway that crashed takes its lease back at once.
      statusLease: {
        namespace: STATUS_LEASE.namespace,
        name: STATUS_LEASE.name,
        identity: `${hostname()}_${engine.kind}_${engine.listen}`,
      },
      ...(metrics ? { changes: new ConfigChanges(metrics) } : {}),
      ...(gauges ? { metrics: gauges } : {}),
    },
    stop.signal,
  );
  let closing: Promise<void> | undefined;
  return {
    engine,
    gatewayAddress,
    ready: () => controller.ready(),
    passes: () => controller.passes,
    explain: (url) => explainRoute(engine, controller.served(), url),
    close() {
      closing ??= (async () => {
        stop.abort();
        await controller.stopped();
        await events.close();
        await skydns?.close();
        await engine.close();
      })();
      return closing;
    },
  };
}
