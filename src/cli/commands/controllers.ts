/**
 * `kdns controllers --server URL`: the controllers alone, against a running API server, with
 * `/healthz`, `/readyz` (ready once their caches synced) and `/metrics` on `--health-listen`.
 */
import { Command } from "commander";
import { startHealthServer } from "../../machinery/health-server.ts";
import { formatHostPort, type HostPort } from "../../machinery/host-port.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action } from "../errors.ts";
import { flag, hostPortFlag } from "../flags.ts";
import { addLogFormatFlag } from "../options/common.ts";
import { startControllerPart } from "../parts/controllers.ts";
import { metricsListenFlag, processRegistry, startMetricsListener } from "../parts/metrics.ts";
import { runParts } from "../stack.ts";

/** Every flag of `kdns controllers`. */
type ControllersFlags = ClientFlags & { healthListen: HostPort; metricsListen?: HostPort };

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The `controllers` command. */
export function controllersCommand(): Command {
  const cmd = new Command("controllers").description(
    "run the endpoints and EndpointSlice controllers against an API server",
  );
  addClientFlags(cmd);
  addLogFormatFlag(cmd);
  cmd
    .addOption(
      // Beside kdns dns's 8181, so both run on one host with their defaults.
      flag("--health-listen <host:port>", "address of /healthz, /readyz and /metrics", {
        default: "127.0.0.1:8282",
        parse: hostPortFlag,
      }),
    )
    .addOption(metricsListenFlag());
  return cmd.action(
    action(async (flags: ControllersFlags) => {
      const client = clientOf(flags);
      await runParts(async (stack) => {
        const registry = processRegistry();
        const synced = await startControllerPart(client, stack, say, registry);
        const health = await startHealthServer(flags.healthListen, synced, { part: "controllers", metrics: registry });
        stack.push({ name: "health", close: () => health.close() });
        const at = formatHostPort({ host: flags.healthListen.host, port: health.port });
        say(`kdns: controllers health at http://${at} (/healthz, /readyz, /metrics)`);
        await startMetricsListener(flags.metricsListen, registry, stack, say);
      });
    }),
  );
}
