/** `kdns controllers --server URL`: the controllers alone, against a running API server. */
import { Command } from "commander";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action } from "../errors.ts";
import { startControllerPart } from "../parts/controllers.ts";
import { runParts } from "../stack.ts";

/** The `controllers` command. */
export function controllersCommand(): Command {
  const cmd = new Command("controllers").description(
    "run the endpoints and EndpointSlice controllers against an API server",
  );
  addClientFlags(cmd);
  return cmd.action(
    action(async (flags: ClientFlags) => {
      const client = clientOf(flags);
      await runParts(async (stack) => {
        await startControllerPart(client, stack, (line) => process.stdout.write(`${line}\n`));
      });
    }),
  );
}
