/** `kdns version`: the client's version and the server's `/version`. */
import { Command } from "commander";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action } from "../errors.ts";
import { clientVersion } from "../version-info.ts";

/** The `version` command. */
export function versionCommand(): Command {
  const cmd = new Command("version")
    .description("print the client and server versions")
    .option("--client", "client version only");
  addClientFlags(cmd);
  return cmd.action(
    action(async (flags: ClientFlags & { client?: boolean }) => {
      process.stdout.write(`Client Version: ${clientVersion()}\n`);
      if (flags.client) return;
      const info = await clientOf(flags).request<{ gitVersion?: string }>("GET", "/version");
      process.stdout.write(`Server Version: ${info.gitVersion ?? JSON.stringify(info)}\n`);
    }),
  );
}
