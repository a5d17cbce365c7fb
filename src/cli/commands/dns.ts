/**
 * `kdns dns --server URL`: the DNS server alone against an API server (any number of replicas
 * may watch one API server), with `/healthz`, `/readyz`, `/metrics`, `/kdns/explain/dns` and the
 * query stream `/kdns/console/queries` on `--health-listen`. `--workers N` runs N worker processes
 * sharing the port (see parts/dns-workers.ts; explain with workers: parts/worker-explain.ts).
 */
import cluster from "node:cluster";
import { Command } from "commander";
import { startHealthServer } from "../../machinery/health-server.ts";
import { formatHostPort, type HostPort } from "../../machinery/host-port.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { componentHandler, type ExplainableDns } from "../console/explain-routes.ts";
import { action, CliError, errorLine } from "../errors.ts";
import { flag, hostPortFlag, intFlag } from "../flags.ts";
import { addLogFormatFlag } from "../options/common.ts";
import { addDnsFlags, type DnsFlags, dnsListenFlag, dnsOptionsOf } from "../options/dns.ts";
import { gatewayAddressFlag } from "../options/gateway.ts";
import { startDnsEvents, startDnsPart } from "../parts/dns.ts";
import { startWorkerPool, tellPrimary } from "../parts/dns-workers.ts";
import {
  metricsFlag,
  metricsListenFlag,
  processRegistry,
  registerDnsBuildInfo,
  startMetricsListener,
} from "../parts/metrics.ts";
import { forwardWorkerEvents, primaryEventSink } from "../parts/worker-events.ts";
import { serveWorkerExplain, workerPoolExplain } from "../parts/worker-explain.ts";
import { answerMetricRequests, workerPoolMetrics } from "../parts/worker-metrics.ts";
import { runParts } from "../stack.ts";

/** Every flag of `kdns dns`. */
type DnsCommandFlags = ClientFlags &
  DnsFlags & {
    listen: HostPort;
    healthListen: HostPort;
    metricsListen?: HostPort;
    metrics: "on" | "off";
    gatewayAddress: string;
    workers: number;
  };

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A worker process: DNS with SO_REUSEPORT, reporting to the primary. */
async function runWorker(flags: DnsCommandFlags): Promise<void> {
  try {
    await runParts(async (stack) => {
      const options = dnsOptionsOf(flags, clientOf(flags), flags.listen, flags.gatewayAddress);
      const counted = flags.metrics === "on" ? { metrics: processRegistry() } : {};
      if (counted.metrics) answerMetricRequests(counted.metrics);
      const events = primaryEventSink();
      const dns = await startDnsPart({ ...options, ...counted, events, reusePort: true }, stack, () => undefined);
      serveWorkerExplain(dns);
      void tellPrimary({ kdns: "listening" });
      let last = false;
      const poll = setInterval(() => {
        const now = dns.ready();
        if (now !== last) void tellPrimary({ kdns: "ready", ready: (last = now) });
      }, 50);
      poll.unref();
      stack.push({ name: "ready poll", close: async () => clearInterval(poll) });
    });
  } catch (err) {
    // The primary prints the one line; the open IPC channel would keep this process alive.
    await tellPrimary({ kdns: "error", message: errorLine(err).replace(/^error: /, "") });
    process.exitCode = 1;
  }
  if (process.connected) process.disconnect();
}

/** The `dns` command. */
export function dnsCommand(): Command {
  const cmd = new Command("dns").description("run the DNS server alone against an API server");
  addClientFlags(cmd);
  addLogFormatFlag(cmd);
  cmd
    .addOption(dnsListenFlag("--listen"))
    .addOption(
      flag(
        "--health-listen <host:port>",
        "address of /healthz, /readyz, /metrics, /kdns/explain/dns and the query stream",
        {
          default: "127.0.0.1:8181",
          parse: hostPortFlag,
        },
      ),
    )
    .addOption(metricsFlag())
    .addOption(metricsListenFlag())
    .addOption(gatewayAddressFlag("127.0.0.1"))
    .addOption(
      flag("--workers <n>", "worker processes sharing the port (SO_REUSEPORT)", {
        default: "1",
        parse: intFlag("a number of workers", 1, 256),
      }),
    );
  addDnsFlags(cmd);
  return cmd.action(
    action(async (flags: DnsCommandFlags) => {
      if (cluster.isWorker) return runWorker(flags);
      await runParts(async (stack) => {
        let ready: () => boolean;
        let dns: ExplainableDns;
        const client = clientOf(flags);
        const registry = processRegistry();
        registerDnsBuildInfo(registry);
        // With workers, each counts in its own process; /metrics sums theirs and the primary's.
        const metrics = flags.workers === 1 ? registry : workerPoolMetrics(registry);
        if (flags.workers === 1) {
          const options = dnsOptionsOf(flags, client, flags.listen, flags.gatewayAddress);
          const counted = flags.metrics === "on" ? { metrics: registry } : {};
          const events = startDnsEvents(client, stack);
          const running = await startDnsPart({ ...options, ...counted, events }, stack, say);
          ready = running.ready;
          dns = running;
        } else {
          if (flags.listen.port === 0)
            throw new CliError("--workers above 1 needs a fixed --listen port (workers share it)");
          forwardWorkerEvents(startDnsEvents(client, stack));
          dns = workerPoolExplain();
          const pool = await startWorkerPool(flags.workers, say);
          stack.push({ name: "dns workers", close: () => pool.close() });
          say(
            `kdns: dns server listening on ${formatHostPort(flags.listen)} (udp, tcp) for ${flags.clusterDomain} with ${flags.workers} workers`,
          );
          ready = pool.ready;
        }
        const health = await startHealthServer(flags.healthListen, ready, {
          metrics,
          mount: { prefix: "/kdns/", handler: componentHandler({ client, dns }) },
        });
        stack.push({ name: "health", close: () => health.close() });
        const at = formatHostPort({ host: flags.healthListen.host, port: health.port });
        say(`kdns: dns health at http://${at} (/healthz, /readyz, /metrics, /kdns/explain/dns, /kdns/console/queries)`);
        await startMetricsListener(flags.metricsListen, metrics, stack, say);
      });
    }),
  );
}
