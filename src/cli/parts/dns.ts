/**
 * Starting the DNS part: the plugin chain from configuration, its watches, and the UDP/TCP server.
 * `kdns up` runs it in-process beside the API; `kdns dns` runs it alone (see dns-command.ts).
 */
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import type { InformerSource } from "../../client/informer.ts";
import { createHandler, DnsListenError, startDnsServer, type TcpLimits } from "../../dns/server/index.ts";
import { collectOnFirstReady } from "../../machinery/collect-after-load.ts";
import { logger } from "../../machinery/log.ts";
import type { Say, StartedApi } from "../components.ts";
import { CliError } from "../errors.ts";
import { formatHostPort, type HostPort } from "../flags.ts";
import type { PartStack } from "../stack.ts";
import type { UpConfig } from "../up-flags.ts";
import { checkLoopsAtStart } from "./dns-loop.ts";
import { buildDnsChain, type DnsChainConfig } from "./dns-plugins.ts";

/** Everything the DNS part needs. */
export interface DnsPartConfig extends DnsChainConfig {
  tcp?: TcpLimits;
  /** SO_REUSEPORT sockets (worker processes). */
  reusePort?: boolean;
}

/** A started DNS part. */
export interface StartedDns {
  address: HostPort;
  /** True once every plugin has synced (CoreDNS's ready plugin). */
  ready(): boolean;
}

/** Addresses that reach this host: a wildcard listen address is reachable on any of them. */
function localAddresses(): Set<string> {
  const out = new Set(["127.0.0.1", "::1", "0.0.0.0", "::", "localhost"]);
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) out.add(i.address);
  return out;
}

/**
 * The forwarding-loop guard: an upstream that is this server itself would bounce every
 * forwarded query back here until it times out. Throws one line naming the upstream.
 */
export function checkForwardingLoop(listen: HostPort, upstream: readonly HostPort[]): void {
  const wildcard = listen.host === "0.0.0.0" || listen.host === "::";
  const local = wildcard ? localAddresses() : new Set([listen.host]);
  for (const u of upstream) {
    if (u.port === listen.port && (local.has(u.host) || u.host.startsWith("127."))) {
      if (!wildcard && u.host !== listen.host) continue;
      throw new CliError(
        `--upstream ${formatHostPort(u)} is this DNS server's own address (a forwarding loop); point it at another resolver`,
      );
    }
  }
}

/** Builds the chain, starts its watches and the server; pushes one part on the stack. */
export async function startDnsPart(
  config: DnsPartConfig,
  source: InformerSource,
  stack: PartStack,
  say: Say,
): Promise<StartedDns> {
  checkForwardingLoop(config.listen, config.upstream);
  const log = logger("dns");
  const built = buildDnsChain(config, source);
  const abort = new AbortController();
  const handler = createHandler(built.next, {
    onError: (err) => log.error({ err }, "dns plugin failed; answered SERVFAIL"),
  });
  let server: Awaited<ReturnType<typeof startDnsServer>>;
  try {
    server = await startDnsServer({
      listen: formatHostPort(config.listen),
      handler,
      ...(config.tcp ? { tcp: config.tcp } : {}),
      ...(config.reusePort ? { reusePort: true } : {}),
    });
  } catch (err) {
    await built.close();
    throw err instanceof DnsListenError ? new CliError(err.message) : err;
  }
  built.start(abort.signal);
  try {
    await checkLoopsAtStart(built, log, abort.signal);
  } catch (err) {
    abort.abort();
    await server.close();
    await built.close();
    throw err;
  }
  stack.push({
    name: "dns server",
    close: async () => {
      abort.abort();
      await server.close();
      await built.close();
    },
  });
  const address = { host: config.listen.host, port: server.address.port };
  say(`kdns: dns server listening on ${formatHostPort(address)} (udp, tcp) for ${config.clusterDomain}`);
  return { address, ready: collectOnFirstReady(() => built.ready()) };
}

/** `kdns up`'s DNS: in-process against the API, with its readiness in the API's /readyz. */
export async function startUpDns(
  config: UpConfig,
  source: InformerSource,
  api: StartedApi,
  stack: PartStack,
  say: Say,
): Promise<StartedDns> {
  const host = config.gatewayAddress ?? config.gatewayListen.host;
  const gateway = isIP(host) === 0 || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const dns = await startDnsPart(
    {
      ...config.dns,
      listen: config.dnsListen,
      clusterDomain: config.clusterDomain,
      upstream: config.upstream,
      gatewayAddresses: [gateway],
    },
    source,
    stack,
    say,
  );
  api.addReadyCheck("dns", dns.ready);
  return dns;
}
