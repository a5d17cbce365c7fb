/** `kdns apiserver`: storage and the API server alone, for other parts to point at. */
import { Command } from "commander";
import { action } from "../errors.ts";
import { type ApiFlags, addApiFlags, checkApiFlags } from "../options/api.ts";
import { startApiPart } from "../parts/api.ts";
import { processRegistry } from "../parts/metrics.ts";
import { runParts } from "../stack.ts";

/** The `apiserver` command. */
export function apiserverCommand(): Command {
  const cmd = new Command("apiserver").description("run storage and the API server");
  addApiFlags(cmd);
  return cmd.action(
    action(async (flags: ApiFlags) => {
      checkApiFlags(flags);
      await runParts(async (stack) => {
        await startApiPart(flags, stack, (line) => process.stdout.write(`${line}\n`), processRegistry());
      });
    }),
  );
}
