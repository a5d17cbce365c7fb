/**
 * `kdns kubeconfig`: a kubeconfig for the API server, so kubectl and client libraries need no
 * other set-up (`KUBECONFIG=.kdns/kubeconfig kubectl get svc -A`). `kdns up` writes the same file
 * to `<data-dir>/kubeconfig` at start.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "commander";
import { stringify } from "yaml";
import { addClientFlags, type ClientFlags, tokenOf, trustOf } from "../client-flags.ts";
import { action, CliError } from "../errors.ts";
import { flag } from "../flags.ts";

/** The name of the cluster, user and context entries. */
export const KUBECONFIG_NAME = "kdns";

/** A client URL for a server URL: a wildcard listen address becomes the loopback one. */
export function clientUrl(server: string): string {
  return server.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:");
}

/** How the kubeconfig's cluster entry trusts an https server (default: the system's CAs). */
export interface KubeconfigTrust {
  /** PEM CA certificate(s), written as `certificate-authority-data`. */
  ca?: string;
  insecureSkipTlsVerify?: boolean;
}

function clusterTrust(server: string, trust: KubeconfigTrust): Record<string, unknown> {
  // client-node refuses http:// servers unless told that TLS is not verified; kubectl ignores it.
  if (server.startsWith("http:") || trust.insecureSkipTlsVerify === true) return { "insecure-skip-tls-verify": true };
  return trust.ca !== undefined ? { "certificate-authority-data": Buffer.from(trust.ca).toString("base64") } : {};
}

/** The kubeconfig text for `server`, with a bearer-token user when `token` is set. */
export function renderKubeconfig(server: string, token?: string, trust: KubeconfigTrust = {}): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: KUBECONFIG_NAME, cluster: { server: clientUrl(server), ...clusterTrust(server, trust) } }],
    users: [{ name: KUBECONFIG_NAME, user: token !== undefined ? { token } : {} }],
    contexts: [
      { name: KUBECONFIG_NAME, context: { cluster: KUBECONFIG_NAME, user: KUBECONFIG_NAME, namespace: "default" } },
    ],
    "current-context": KUBECONFIG_NAME,
    preferences: {},
  });
}

/** Writes `<dataDir>/kubeconfig` (mode 0600: it may hold the token); resolves to its path. */
export async function writeKubeconfig(dataDir: string, server: string, token?: string, ca?: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, "kubeconfig");
  await writeFile(path, renderKubeconfig(server, token, ca !== undefined ? { ca } : {}), { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/** The `kubeconfig` command. */
export function kubeconfigCommand(): Command {
  const cmd = new Command("kubeconfig").description(
    "print a kubeconfig for the API server (for kubectl and client libraries)",
  );
  addClientFlags(cmd);
  cmd.addOption(
    flag(
      "--data-dir <dir>",
      "print the kubeconfig `kdns up` wrote in this data dir instead (default: build one from --server/--token)",
    ),
  );
  return cmd.action(
    action(async (flags: ClientFlags & { dataDir?: string }) => {
      if (flags.dataDir !== undefined) {
        const path = join(flags.dataDir, "kubeconfig");
        const text = await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
          throw new CliError(
            `cannot read ${path}: ${err.code ?? String(err)} (is kdns up running with --data-dir ${flags.dataDir}?)`,
          );
        });
        process.stdout.write(text);
        return;
      }
      process.stdout.write(renderKubeconfig(flags.server, tokenOf(flags), trustOf(flags)));
    }),
  );
}
