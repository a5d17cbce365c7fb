/** `kdns up`: storage, the API server, the controllers, DNS and the gateway in one process, until SIGINT/SIGTERM. */
import { Command } from "commander";
import { informersWaiting } from "../../client/informer-metrics.ts";
import { RestClient } from "../../client/rest-client.ts";
import { SharedInformers } from "../../client/shared-informers.ts";
import type { HostPort } from "../../machinery/host-port.ts";
import { mountConsole } from "../console/index.ts";
import { action } from "../errors.ts";
import { type ApiFlags, addApiFlags, checkApiFlags } from "../options/api.ts";
import { addLogFormatFlag } from "../options/common.ts";
import { addDnsFlags, type DnsFlags, dnsListenFlag, dnsOptionsOf } from "../options/dns.ts";
import { addGatewayFlags, type GatewayFlags, gatewayAddressOf } from "../options/gateway.ts";
import { firstToken, startApiPart } from "../parts/api.ts";
import { startControllerPart } from "../parts/controllers.ts";
import { startDnsEvents, startDnsPart } from "../parts/dns.ts";
import { ensureDnsService } from "../parts/dns-service.ts";
import { startGatewayPart } from "../parts/gateway.ts";
import {
  metricsFlag,
  metricsListenFlag,
  processRegistry,
  registerDnsBuildInfo,
  startMetricsListener,
} from "../parts/metrics.ts";
import type { Say } from "../parts/types.ts";
import { type PartStack, runParts } from "../stack.ts";
import { kdnsUserAgent } from "../version-info.ts";
import { clientUrl, writeKubeconfig } from "./kubeconfig.ts";

/** Every flag of `kdns up`. */
type UpFlags = ApiFlags &
  DnsFlags &
  GatewayFlags & { dnsListen: HostPort; metricsListen?: HostPort; metrics: "on" | "off" };

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Starts every part in dependency order; each one's readiness joins the API server's /readyz. */
async function startAll(flags: UpFlags, stack: PartStack, say: Say): Promise<void> {
  const registry = processRegistry();
  const api = await startApiPart(flags, stack, say, registry);
  const token = flags.tokenFile !== undefined ? await firstToken(flags.tokenFile) : undefined;
  const client = new RestClient({
    server: clientUrl(api.url),
    userAgent: kdnsUserAgent(),
    ...(token !== undefined ? { token } : {}),
    ...api.trust,
  });
  say(`kdns: kubeconfig written to ${await writeKubeconfig(flags.dataDir, api.url, token, api.kubeconfigCa)}`);
  const waiting = (component: string) => (): string =>
    `waiting for ${informersWaiting(registry, component).join(", ") || "its informers"}`;
  // One list and one watch per resource for every component of this process.
  const informers = new SharedInformers(client);
  api.addReadyCheck(
    "controllers",
    await startControllerPart(client, stack, say, registry, informers),
    waiting("controllers"),
  );
  registerDnsBuildInfo(registry);
  const dnsOptions = dnsOptionsOf(flags, client, flags.dnsListen, gatewayAddressOf(flags));
  const events = startDnsEvents(client, stack);
  const dns = await startDnsPart(
    // Informer gauges even with --metrics off: the console's overview and /readyz?verbose read them.
    {
      ...dnsOptions,
      events,
      informers,
      informerMetrics: registry,
      ...(flags.metrics === "on" ? { metrics: registry } : {}),
    },
    stack,
    say,
  );
  api.addReadyCheck("dns", dns.ready, waiting("dns"));
  await ensureDnsService(client, flags.serviceCidr, dns.address.port);
  const gateway = await startGatewayPart(
    flags,
    client,
    stack,
    say,
    flags.metrics === "on" ? registry : undefined,
    informers,
    registry,
  );
  if (gateway) api.addReadyCheck("gateway", () => gateway.ready());
  const ui = mountConsole(api, {
    client,
    registry,
    zone: flags.clusterDomain,
    dns,
    ...(gateway ? { gateway } : {}),
  });
  stack.push({ name: "console", close: async () => ui.close() });
  say(`kdns: console at ${api.url}/ui/`);
  await startMetricsListener(flags.metricsListen, registry, stack, say);
}

/** The `up` command. */
export function upCommand(): Command {
  const cmd = new Command("up").description(
    "run storage, the API server, the controllers, DNS and the gateway in one process",
  );
  addApiFlags(cmd);
  addLogFormatFlag(cmd);
  cmd.addOption(dnsListenFlag("--dns-listen"));
  addDnsFlags(cmd);
  addGatewayFlags(cmd, true);
  cmd.addOption(metricsFlag()).addOption(metricsListenFlag());
  return cmd.action(
    action(async (flags: UpFlags) => {
      checkApiFlags(flags);
      await runParts((stack) => startAll(flags, stack, say));
    }),
  );
}
