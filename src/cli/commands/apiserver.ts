/** `kdns apiserver`: storage and the API server alone, for other parts to point at. */
import { Command } from "commander";
import { startApi } from "../components.ts";
import { action } from "../errors.ts";
import { runParts } from "../stack.ts";
import { addApiFlags, type RawUpFlags, upConfig } from "../up-flags.ts";

/** The `apiserver` command. */
export function apiserverCommand(): Command {
  const cmd = new Command("apiserver").description("run storage and the API server");
  addApiFlags(cmd);
  return cmd.action(
    action(async (raw: RawUpFlags) => {
      const config = upConfig(raw);
      await runParts(async (stack) => {
        await startApi(config, stack, (line) => process.stdout.write(`${line}\n`));
      });
    }),
  );
}
