/** `kdns apiserver`: storage and the API server alone, for other parts to point at. */
import { Command } from "commander";
import type { HostPort } from "../../machinery/host-port.ts";
import { action } from "../errors.ts";
import { type ApiFlags, addApiFlags, checkApiFlags } from "../options/api.ts";
import { addLogFormatFlag } from "../options/common.ts";
import { startApiPart } from "../parts/api.ts";
import { metricsListenFlag, processRegistry, startMetricsListener } from "../parts/metrics.ts";
import { runParts } from "../stack.ts";

/** The `apiserver` command. */
export function apiserverCommand(): Command {
  const cmd = new Command("apiserver").description("run storage and the API server");
  addApiFlags(cmd);
  addLogFormatFlag(cmd);
  cmd.addOption(metricsListenFlag());
  return cmd.action(
    action(async (flags: ApiFlags & { metricsListen?: HostPort }) => {
      checkApiFlags(flags);
      await runParts(async (stack) => {
        const say = (line: string): void => void process.stdout.write(`${line}\n`);
        const registry = processRegistry();
        await startApiPart(flags, stack, say, registry);
        await startMetricsListener(flags.metricsListen, registry, stack, say);
      });
    }),
  );
}
