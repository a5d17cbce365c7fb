/** `kdns up`: every part in one process, until SIGINT/SIGTERM. */
import { Command } from "commander";
import { startAll } from "../components.ts";
import { action } from "../errors.ts";
import { runParts } from "../stack.ts";
import { addApiFlags, addDnsGatewayFlags, type RawUpFlags, upConfig } from "../up-flags.ts";

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The `up` command. */
export function upCommand(): Command {
  const cmd = new Command("up").description("run storage, the API server and the controllers in one process");
  addApiFlags(cmd);
  addDnsGatewayFlags(cmd);
  return cmd.action(
    action(async (raw: RawUpFlags) => {
      const config = upConfig(raw);
      await runParts((stack) => startAll(config, stack, say));
    }),
  );
}
