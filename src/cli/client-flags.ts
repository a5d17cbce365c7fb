/** The flags every command that talks to an API server shares, and the client they make. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { RestClient } from "../client/rest-client.ts";
import { CliError } from "./errors.ts";
import { flag, parseUrl } from "./flags.ts";

/** Parsed values of {@link addClientFlags}. */
export interface ClientFlags {
  server: string;
  token?: string;
  tokenFile?: string;
}

/** Adds `--server`, `--token` and `--token-file` to a command. */
export function addClientFlags(cmd: Command): Command {
  return cmd
    .addOption(flag("-s, --server <url>", "API server URL", { default: "http://127.0.0.1:6443", parse: parseUrl }))
    .addOption(flag("--token <token>", "bearer token for the API server (default: none)"))
    .addOption(flag("--token-file <path>", "file holding the bearer token (default: none)"));
}

/** The bearer token from `--token`, else the first line of `--token-file`. */
export function tokenOf(flags: ClientFlags): string | undefined {
  if (flags.token) return flags.token;
  if (!flags.tokenFile) return undefined;
  let text: string;
  try {
    text = readFileSync(flags.tokenFile, "utf8");
  } catch (err) {
    throw new CliError(`cannot read --token-file "${flags.tokenFile}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const token = text.split("\n")[0]?.trim();
  if (!token) throw new CliError(`--token-file "${flags.tokenFile}" is empty`);
  return token;
}

/** A REST client for the flags' server and token. */
export function clientOf(flags: ClientFlags): RestClient {
  const token = tokenOf(flags);
  return new RestClient(token === undefined ? { server: flags.server } : { server: flags.server, token });
}
