/** `kdns gateway --server URL`: the path gateway alone, against a running API server. */
import { Command } from "commander";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action } from "../errors.ts";
import { addLogFormatFlag, dataDirFlag } from "../options/common.ts";
import { addGatewayFlags, type GatewayFlags } from "../options/gateway.ts";
import { startGatewayPart } from "../parts/gateway.ts";
import { runParts } from "../stack.ts";

/** The `gateway` command. */
export function gatewayCommand(): Command {
  const cmd = new Command("gateway").description(
    "run the path gateway (built-in proxy or managed nginx) for DNSRecords against an API server",
  );
  addClientFlags(cmd);
  addLogFormatFlag(cmd);
  addGatewayFlags(cmd, false);
  cmd.addOption(dataDirFlag("where the nginx engine keeps its runtime files (<dir>/nginx)"));
  return cmd.action(
    action(async (flags: ClientFlags & GatewayFlags & { dataDir: string }) => {
      const client = clientOf(flags);
      await runParts(async (stack) => {
        await startGatewayPart(flags, client, stack, (line) => process.stdout.write(`${line}\n`));
      });
    }),
  );
}
