/** `kdns version`: the client's version and the server's `/version`. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { addClientFlags, clientOf, type ClientFlags } from "../client-flags.ts";
import { action } from "../errors.ts";

/** The version in package.json. */
export function clientVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

/** The `version` command. */
export function versionCommand(): Command {
  const cmd = new Command("version").description("print the client and server versions").option("--client", "client version only");
  addClientFlags(cmd);
  return cmd.action(action(async (flags: ClientFlags & { client?: boolean }) => {
    process.stdout.write(`Client Version: ${clientVersion()}\n`);
    if (flags.client) return;
    const info = await clientOf(flags).request<{ gitVersion?: string }>("GET", "/version");
    process.stdout.write(`Server Version: ${info.gitVersion ?? JSON.stringify(info)}\n`);
  }));
}
