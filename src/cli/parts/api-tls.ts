/**
 * Which certificate `kdns up` / `kdns apiserver` serve the API with: the files given by
 * `--tls-cert-file`/`--tls-private-key-file`; else, when a token is required, a CA and serving
 * certificate generated once into `<data-dir>/pki/` (kubectl sends bearer tokens only over TLS);
 * else none (plain http on loopback).
 */
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { ensurePki } from "../../apiserver/pki/ensure-pki.ts";
import { servingSans } from "../../apiserver/pki/sans.ts";
import type { TlsTrust } from "../../client/transport.ts";
import { localAddresses } from "../../machinery/host-port.ts";
import { CliError } from "../errors.ts";
import type { ApiFlags } from "../options/api.ts";

/** The API server's certificate, and how clients should trust it. */
export interface ApiTls {
  cert: string;
  key: string;
  /** How in-process clients (controllers, DNS, gateway) verify the server. */
  trust: TlsTrust;
  /** PEM for the kubeconfig's `certificate-authority-data`. */
  kubeconfigCa: string;
  /** Where the certificate comes from, for the start-up line. */
  source: string;
}

async function readFlagFile(flagName: string, path: string): Promise<string> {
  return readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${flagName} "${path}": ${err.code ?? String(err)}`);
  });
}

function machineAddresses(): string[] {
  return [...localAddresses()].filter((a) => isIP(a) !== 0);
}

/** Resolves the API server's TLS set-up from the flags; undefined means plain http. */
export async function apiTls(
  config: Pick<ApiFlags, "tlsCertFile" | "tlsPrivateKeyFile" | "tokenFile" | "dataDir" | "apiListen">,
): Promise<ApiTls | undefined> {
  if (config.tlsCertFile !== undefined && config.tlsPrivateKeyFile !== undefined) {
    const cert = await readFlagFile("--tls-cert-file", config.tlsCertFile);
    const key = await readFlagFile("--tls-private-key-file", config.tlsPrivateKeyFile);
    // In-process clients dial the socket this process itself bound, so there is no one to
    // impersonate, and a user's certificate need not name 127.0.0.1: they skip verification.
    // kubectl (Go) accepts the served certificate itself as trust anchor, so it goes in the kubeconfig.
    return { cert, key, trust: { insecureSkipTlsVerify: true }, kubeconfigCa: cert, source: config.tlsCertFile };
  }
  if (config.tokenFile === undefined) return undefined;
  const pki = await ensurePki(join(config.dataDir, "pki"), servingSans(config.apiListen.host, machineAddresses()));
  return {
    cert: pki.cert,
    key: pki.key,
    trust: { ca: pki.ca },
    kubeconfigCa: pki.ca,
    source: `${pki.certPath} (CA ${pki.caPath})`,
  };
}
