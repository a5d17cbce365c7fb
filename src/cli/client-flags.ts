/** The flags every command that talks to an API server shares, and the client they make. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { RestClient } from "../client/rest-client.ts";
import { CliError } from "./errors.ts";
import { flag, parseUrl } from "./flags.ts";
import { DEFAULT_DATA_DIR } from "./options/common.ts";
import { kdnsUserAgent } from "./version-info.ts";

/** Parsed values of {@link addClientFlags}. */
export interface ClientFlags {
  server: string;
  token?: string;
  tokenFile?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  /** Where `kdns up` keeps `pki/ca.crt` (commands that have a `--data-dir` flag). */
  dataDir?: string;
}

/** Adds `--server`, `--token`, `--token-file` and the TLS trust flags to a command. */
export function addClientFlags(cmd: Command): Command {
  return cmd
    .addOption(flag("-s, --server <url>", "API server URL", { default: "http://127.0.0.1:6443", parse: parseUrl }))
    .addOption(flag("--token <token>", "bearer token for the API server (default: none)"))
    .addOption(flag("--token-file <path>", "file holding the bearer token (default: none)"))
    .addOption(
      flag(
        "--certificate-authority <path>",
        "PEM CA file to verify an https server with (default: <data-dir>/pki/ca.crt when present, else the system's CAs)",
      ),
    )
    .addOption(flag("--insecure-skip-tls-verify", "do not verify the https server's certificate (insecure)"));
}

/**
 * How to trust an https server: `--insecure-skip-tls-verify`, else `--certificate-authority`, else
 * the CA `kdns up --token-file` generated in `<data-dir>/pki/ca.crt` (data dir from `--data-dir`,
 * `KDNS_DATA_DIR` or `./.kdns`), so the CLI works out of the box next to `kdns up`.
 */
export function trustOf(flags: ClientFlags): { ca?: string; insecureSkipTlsVerify?: boolean } {
  if (!flags.server.startsWith("https:")) return {};
  if (flags.insecureSkipTlsVerify === true) return { insecureSkipTlsVerify: true };
  const given = flags.certificateAuthority;
  const path = given ?? join(flags.dataDir ?? process.env.KDNS_DATA_DIR ?? DEFAULT_DATA_DIR, "pki", "ca.crt");
  if (given === undefined && !existsSync(path)) return {};
  try {
    return { ca: readFileSync(path, "utf8") };
  } catch (err) {
    throw new CliError(
      `cannot read --certificate-authority "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

/** The bearer token from `--token`, else the first line of `--token-file`. */
export function tokenOf(flags: ClientFlags): string | undefined {
  if (flags.token) return flags.token;
  if (!flags.tokenFile) return undefined;
  let text: string;
  try {
    text = readFileSync(flags.tokenFile, "utf8");
  } catch (err) {
    throw new CliError(
      `cannot read --token-file "${flags.tokenFile}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const token = text.split("\n")[0]?.trim();
  if (!token) throw new CliError(`--token-file "${flags.tokenFile}" is empty`);
  return token;
}

/** A REST client for the flags' server and token. */
export function clientOf(flags: ClientFlags): RestClient {
  const token = tokenOf(flags);
  return new RestClient({
    server: flags.server,
    userAgent: kdnsUserAgent(),
    ...(token !== undefined ? { token } : {}),
    ...trustOf(flags),
  });
}
