/** `kdns up`: every part in one process, until SIGINT/SIGTERM. */
import { Command } from "commander";
import { startAll } from "../components.ts";
import { action } from "../errors.ts";
import { closeOnSignal, PartStack } from "../stack.ts";
import { addApiFlags, addDnsGatewayFlags, upConfig, type RawUpFlags } from "../up-flags.ts";

/** Runs `start` with a fresh stack; on failure closes what started and rethrows, else waits for a signal. */
export async function runParts(start: (stack: PartStack) => Promise<void>): Promise<void> {
  const stack = new PartStack();
  try {
    await start(stack);
  } catch (err) {
    await stack.close();
    throw err;
  }
  await closeOnSignal(stack);
}

function say(line: string): void {
  process.stdout.write(line + "\n");
}

/** The `up` command. */
export function upCommand(): Command {
  const cmd = new Command("up").description("run storage, the API server and the controllers in one process");
  addApiFlags(cmd);
  addDnsGatewayFlags(cmd);
  return cmd.action(action(async (raw: RawUpFlags) => {
    const config = upConfig(raw);
    await runParts((stack) => startAll(config, stack, say));
  }));
}
