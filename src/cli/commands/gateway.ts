/**
 * `kdns gateway --server URL`: the path gateway alone, against a running API server, with
 * `/healthz`, `/readyz` (ready once it serves the routes its synced caches hold), `/metrics` and
 * `/kdns/explain/route` (what `kdns explain route --gateway-server` reads) on `--health-listen`.
 */
import { Command } from "commander";
import { startHealthServer } from "../../machinery/health-server.ts";
import { formatHostPort, type HostPort } from "../../machinery/host-port.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { componentHandler } from "../console/explain-routes.ts";
import { action } from "../errors.ts";
import { flag, hostPortFlag } from "../flags.ts";
import { addLogFormatFlag, dataDirFlag } from "../options/common.ts";
import { addGatewayFlags, type GatewayFlags } from "../options/gateway.ts";
import { startGatewayPart } from "../parts/gateway.ts";
import { metricsFlag, metricsListenFlag, processRegistry, startMetricsListener } from "../parts/metrics.ts";
import { runParts } from "../stack.ts";

/** Every flag of `kdns gateway`. */
type GatewayCommandFlags = ClientFlags &
  GatewayFlags & { dataDir: string; healthListen: HostPort; metricsListen?: HostPort; metrics: "on" | "off" };

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The `gateway` command. */
export function gatewayCommand(): Command {
  const cmd = new Command("gateway").description(
    "run the path gateway (built-in proxy or managed nginx) for DNSRecords against an API server",
  );
  addClientFlags(cmd);
  addLogFormatFlag(cmd);
  addGatewayFlags(cmd, false);
  cmd.addOption(dataDirFlag("where the nginx engine keeps its runtime files (<dir>/nginx)"));
  cmd
    .addOption(
      // Beside kdns dns's 8181 and kdns controllers' 8282, so all run on one host with their defaults.
      flag("--health-listen <host:port>", "address of /healthz, /readyz, /metrics and /kdns/explain/route", {
        default: "127.0.0.1:8383",
        parse: hostPortFlag,
      }),
    )
    .addOption(metricsFlag())
    .addOption(metricsListenFlag());
  return cmd.action(
    action(async (flags: GatewayCommandFlags) => {
      const client = clientOf(flags);
      await runParts(async (stack) => {
        const registry = processRegistry();
        const counted = flags.metrics === "on" ? registry : undefined;
        const gateway = await startGatewayPart(flags, client, stack, say, counted);
        const ready = gateway ? () => gateway.ready() : () => true;
        const health = await startHealthServer(flags.healthListen, ready, {
          part: "gateway",
          metrics: registry,
          ...(gateway ? { mount: { prefix: "/kdns/", handler: componentHandler({ client, gateway }) } } : {}),
        });
        stack.push({ name: "health", close: () => health.close() });
        const at = formatHostPort({ host: flags.healthListen.host, port: health.port });
        say(`kdns: gateway health at http://${at} (/healthz, /readyz, /metrics, /kdns/explain/route)`);
        await startMetricsListener(flags.metricsListen, registry, stack, say);
      });
    }),
  );
}
