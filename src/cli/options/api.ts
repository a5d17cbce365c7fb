/**
 * The flags of the storage and the API server (`kdns up`, `kdns apiserver`) and their parsed
 * form. Everything is validated before any part starts, so a bad flag never leaves a half-started
 * process.
 */
import { type Command, InvalidArgumentError } from "commander";
import type { HostPort } from "../../machinery/host-port.ts";
import { flag, hostPortFlag, parseCidr, parseUrlList } from "../flags.ts";
import { dataDirFlag } from "./common.ts";

/** Storage backends. */
export const STORES = ["embedded", "memory", "etcd"] as const;

/** The values of {@link addApiFlags}, as commander hands them over. */
export interface ApiFlags {
  apiListen: HostPort;
  store: (typeof STORES)[number];
  dataDir: string;
  etcdEndpoints: string[];
  etcdPrefix: string;
  serviceCidr: string;
  tokenFile?: string;
  /** Serving certificate and key (PEM files) of the API server; both or neither. */
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
}

/** Adds the storage and API server flags. */
export function addApiFlags(cmd: Command): Command {
  return cmd
    .addOption(
      flag("--api-listen <host:port>", "API server listen address", { default: "127.0.0.1:6443", parse: hostPortFlag }),
    )
    .addOption(flag("--store <type>", "storage backend", { default: "embedded", choices: STORES }))
    .addOption(dataDirFlag("where the embedded store, the generated PKI and the nginx runtime files live"))
    .addOption(
      flag("--etcd-endpoints <urls>", "etcd client URLs, comma-separated (with --store etcd)", {
        default: "http://127.0.0.1:2379",
        parse: parseUrlList,
      }),
    )
    .addOption(flag("--etcd-prefix <prefix>", "key prefix in etcd", { default: "/registry/" }))
    .addOption(
      flag("--service-cidr <cidr>", "range cluster IPs are allocated from", {
        default: "10.96.0.0/12",
        parse: parseCidr,
      }),
    )
    .addOption(
      flag(
        "--token-file <path>",
        "bearer tokens the API server accepts, one per line (token[,user[,uid]]); default: no authentication",
      ),
    )
    .addOption(
      flag(
        "--tls-cert-file <path>",
        "serve the API over HTTPS with this PEM certificate (chain); default: with --token-file, one generated in <data-dir>/pki",
      ),
    )
    .addOption(flag("--tls-private-key-file <path>", "PEM private key of --tls-cert-file"));
}

/** Checks what single flags cannot: `--tls-cert-file` and `--tls-private-key-file` go together. */
export function checkApiFlags(flags: ApiFlags): ApiFlags {
  const cert = flags.tlsCertFile || undefined;
  const key = flags.tlsPrivateKeyFile || undefined;
  if ((cert === undefined) !== (key === undefined)) {
    throw new InvalidArgumentError(
      `--tls-cert-file and --tls-private-key-file go together, got only ${cert !== undefined ? "--tls-cert-file" : "--tls-private-key-file"}`,
    );
  }
  return flags;
}
