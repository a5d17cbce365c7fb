/**
 * `kdns dns --server URL`: the DNS server alone against an API server (any number of replicas
 * may watch one API server), with `/healthz` and `/readyz` on `--health-listen`. `--workers N`
 * runs N worker processes sharing the port (see parts/dns-workers.ts).
 */
import cluster from "node:cluster";
import { Command, InvalidArgumentError } from "commander";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action, CliError, errorLine } from "../errors.ts";
import { flag, formatHostPort, parseHostPort, parseIp } from "../flags.ts";
import { checkForwardingLoop, type DnsPartConfig, startDnsPart } from "../parts/dns.ts";
import { addDnsOptionFlags, dnsOptions } from "../parts/dns-flags.ts";
import { startHealthServer } from "../parts/dns-health.ts";
import { startWorkerPool, tellPrimary } from "../parts/dns-workers.ts";
import { runParts } from "../stack.ts";
import { parseDomain, parseUpstreamFlag, systemNameservers } from "../up-flags.ts";

type DnsFlags = ClientFlags & Record<string, string | undefined>;

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256)
    throw new InvalidArgumentError(`expected a number of workers (1-256), got "${value}"`);
  return n;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function partConfig(raw: DnsFlags, reusePort: boolean): DnsPartConfig {
  return {
    ...dnsOptions(raw),
    listen: parseHostPort(raw["listen"] ?? "127.0.0.1:1053"),
    clusterDomain: parseDomain(raw["clusterDomain"] ?? "cluster.local"),
    upstream: parseUpstreamFlag(raw["upstream"] ?? "none"),
    gatewayAddresses: [raw["gatewayAddress"] ?? "127.0.0.1"],
    ...(reusePort ? { reusePort: true } : {}),
  };
}

/** A worker process: the DNS part with SO_REUSEPORT, reporting to the primary. */
async function runWorker(raw: DnsFlags): Promise<void> {
  try {
    await runParts(async (stack) => {
      const dns = await startDnsPart(partConfig(raw, true), clientOf(raw), stack, () => undefined);
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
  cmd
    .addOption(
      flag("--listen <host:port>", "DNS listen address (UDP and TCP)", {
        default: "127.0.0.1:1053",
        parse: parseHostPort,
      }),
    )
    .addOption(
      flag("--health-listen <host:port>", "address of /healthz and /readyz", {
        default: "127.0.0.1:8181",
        parse: parseHostPort,
      }),
    )
    .addOption(flag("--cluster-domain <domain>", "cluster DNS zone", { default: "cluster.local", parse: parseDomain }))
    .addOption(
      flag("--upstream <servers>", "upstream DNS servers, comma-separated (ip or ip:port), or none", {
        default: systemNameservers() || "none",
        parse: parseUpstreamFlag,
      }),
    )
    .addOption(
      flag("--gateway-address <ip>", "IP that DNSRecord hosts resolve to", { default: "127.0.0.1", parse: parseIp }),
    )
    .addOption(
      flag("--workers <n>", "worker processes sharing the port (SO_REUSEPORT)", { default: "1", parse: parseWorkers }),
    );
  addDnsOptionFlags(cmd);
  return cmd.action(
    action(async (raw: DnsFlags) => {
      if (cluster.isWorker) return runWorker(raw);
      const workers = parseWorkers(raw["workers"] ?? "1");
      const config = partConfig(raw, false);
      const healthListen = parseHostPort(raw["healthListen"] ?? "127.0.0.1:8181");
      await runParts(async (stack) => {
        if (workers === 1) {
          const dns = await startDnsPart(config, clientOf(raw), stack, say);
          const health = await startHealthServer(healthListen, dns.ready);
          stack.push({ name: "health", close: () => health.close() });
          return;
        }
        if (config.listen.port === 0)
          throw new CliError("--workers above 1 needs a fixed --listen port (workers share it)");
        checkForwardingLoop(config.listen, config.upstream);
        const pool = await startWorkerPool(workers, say);
        stack.push({ name: "dns workers", close: () => pool.close() });
        say(
          `kdns: dns server listening on ${formatHostPort(config.listen)} (udp, tcp) for ${config.clusterDomain} with ${workers} workers`,
        );
        const health = await startHealthServer(healthListen, pool.ready);
        stack.push({ name: "health", close: () => health.close() });
      });
    }),
  );
}
