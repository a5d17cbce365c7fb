/**
 * Starting the control plane's parts in dependency order: storage, API server, controllers (and,
 * with later milestones, DNS and the gateway). `kdns up` starts them all in one process;
 * `kdns apiserver` and `kdns controllers` start one group each. Each started part is pushed on a
 * {@link PartStack}, so stopping (or a failed start) closes them in reverse order.
 */
import { readFile } from "node:fs/promises";
import { startApiServer } from "../apiserver/index.ts";
import { RestClient } from "../client/rest-client.ts";
import type { TlsTrust } from "../client/transport.ts";
import { startControllers } from "../controllers/index.ts";
import { openStorage } from "../storage/index.ts";
import { clientUrl, writeKubeconfig } from "./commands/kubeconfig.ts";
import { CliError } from "./errors.ts";
import { formatHostPort, type HostPort } from "./flags.ts";
import { apiTls } from "./parts/api-tls.ts";
import { startUpDns } from "./parts/dns.ts";
import { startUpGateway } from "./parts/gateway.ts";
import type { PartStack } from "./stack.ts";
import type { UpConfig } from "./up-flags.ts";

/** Where progress lines (`kdns: api server listening on …`) go. */
export type Say = (line: string) => void;

/** Handle on a started API server, as later parts need it. */
export interface StartedApi {
  url: string;
  addReadyCheck(name: string, check: () => boolean): void;
  /** With https: how in-process clients trust the server, and the CA PEM for kubeconfigs. */
  trust?: TlsTrust;
  kubeconfigCa?: string;
}

/** Turns a start failure into one line that names the part (and the address, for listen errors). */
function listenError(part: string, listen: HostPort, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    return new CliError(`${part}: cannot listen on ${formatHostPort(listen)}: address already in use`);
  if (code === "EADDRNOTAVAIL")
    return new CliError(`${part}: cannot listen on ${formatHostPort(listen)}: address not available`);
  if (code === "EACCES") return new CliError(`${part}: cannot listen on ${formatHostPort(listen)}: permission denied`);
  return err instanceof Error ? new CliError(`${part}: ${err.message}`) : err;
}

/** Opens storage and starts the API server on it. */
export async function startApi(config: UpConfig, stack: PartStack, say: Say): Promise<StartedApi> {
  const storage = await openStorage({
    type: config.store,
    dataDir: config.dataDir,
    etcdEndpoints: config.etcdEndpoints,
    etcdPrefix: config.etcdPrefix,
  });
  stack.push({ name: "storage", close: () => storage.close() });
  say(`kdns: storage ${storageWhere(config)}`);
  let api: Awaited<ReturnType<typeof startApiServer>>;
  let tls: Awaited<ReturnType<typeof apiTls>>;
  try {
    tls = await apiTls(config);
    api = await startApiServer({
      listen: formatHostPort(config.apiListen),
      storage,
      serviceCidr: config.serviceCidr,
      ...(config.tokenFile !== undefined ? { tokenFile: config.tokenFile } : {}),
      ...(tls !== undefined ? { tls: { cert: tls.cert, key: tls.key } } : {}),
    });
  } catch (err) {
    throw listenError("api server", config.apiListen, err);
  }
  stack.push({ name: "api server", close: () => api.close() });
  say(`kdns: api server listening on ${api.url}`);
  if (tls === undefined) return api;
  say(`kdns: api server certificate ${tls.source}`);
  return {
    url: api.url,
    addReadyCheck: (name, check) => api.addReadyCheck(name, check),
    trust: tls.trust,
    kubeconfigCa: tls.kubeconfigCa,
  };
}

function storageWhere(config: UpConfig): string {
  switch (config.store) {
    case "memory":
      return "in memory (nothing is kept after exit)";
    case "embedded":
      return `embedded in ${config.dataDir}`;
    case "etcd":
      return `in etcd at ${config.etcdEndpoints.join(",")} under ${config.etcdPrefix}`;
  }
}

/** Starts the controllers against an API server; returns their `synced` readiness check. */
export async function startControllerPart(client: RestClient, stack: PartStack, say: Say): Promise<() => boolean> {
  const controllers = await startControllers({ client });
  stack.push({ name: "controllers", close: () => controllers.close() });
  say(`kdns: controllers running against ${client.server}`);
  return () => controllers.synced();
}

/** The first token of a token file (`token[,user[,uid]]` lines), for in-process clients. */
export async function firstToken(path: string): Promise<string> {
  const text = await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read --token-file "${path}": ${err.code ?? String(err)}`);
  });
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const token = (t.split(",")[0] ?? "").trim().replace(/^"|"$/g, "");
    if (token) return token;
  }
  throw new CliError(`--token-file "${path}" holds no token`);
}

/** Everything `kdns up` runs today: storage, API server, controllers. DNS and gateway join here. */
export async function startAll(config: UpConfig, stack: PartStack, say: Say): Promise<void> {
  const api = await startApi(config, stack, say);
  const token = config.tokenFile !== undefined ? await firstToken(config.tokenFile) : undefined;
  const client = new RestClient({
    server: clientUrl(api.url),
    ...(token !== undefined ? { token } : {}),
    ...api.trust,
  });
  say(`kdns: kubeconfig written to ${await writeKubeconfig(config.dataDir, api.url, token, api.kubeconfigCa)}`);
  api.addReadyCheck("controllers", await startControllerPart(client, stack, say));
  await startUpDns(config, client, api, stack, say);
  await startUpGateway(config, client, api, stack, say);
}
