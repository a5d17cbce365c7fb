/**
 * The storage and API server part (`kdns up`, `kdns apiserver`): opens the storage the flags name
 * and serves the API on it. Pushed on the {@link PartStack}, so stopping closes them in reverse.
 */
import { readFile } from "node:fs/promises";
import type { Registry } from "prom-client";
import { startApiServer } from "../../apiserver/index.ts";
import { formatHostPort } from "../../machinery/host-port.ts";
import { openStorage } from "../../storage/index.ts";
import { CliError } from "../errors.ts";
import type { ApiFlags } from "../options/api.ts";
import type { PartStack } from "../stack.ts";
import { apiTls } from "./api-tls.ts";
import type { Say, StartedApi } from "./types.ts";

/** Opens storage and starts the API server on it; `/metrics` serves `registry`. */
export async function startApiPart(
  flags: ApiFlags,
  stack: PartStack,
  say: Say,
  registry: Registry,
): Promise<StartedApi> {
  const storage = await openStorage({
    type: flags.store,
    dataDir: flags.dataDir,
    etcdEndpoints: flags.etcdEndpoints,
    etcdPrefix: flags.etcdPrefix,
  });
  stack.push({ name: "storage", close: () => storage.close() });
  say(`kdns: storage ${storageWhere(flags)}`);
  const tls = await apiTls(flags);
  const api = await startApiServer({
    listen: formatHostPort(flags.apiListen),
    storage,
    serviceCidr: flags.serviceCidr,
    ...(flags.tokenFile !== undefined ? { tokenFile: flags.tokenFile } : {}),
    ...(tls !== undefined ? { tls: { cert: tls.cert, key: tls.key } } : {}),
    metrics: registry,
  });
  stack.push({ name: "api server", close: () => api.close() });
  say(`kdns: api server listening on ${api.url}`);
  if (tls === undefined) return api;
  say(`kdns: api server certificate ${tls.source}`);
  return {
    url: api.url,
    addReadyCheck: (name, check, detail) => api.addReadyCheck(name, check, detail),
    mount: (prefix, handler, options) => api.mount(prefix, handler, options),
    trust: tls.trust,
    kubeconfigCa: tls.kubeconfigCa,
  };
}

function storageWhere(flags: ApiFlags): string {
  switch (flags.store) {
    case "memory":
      return "in memory (nothing is kept after exit)";
    case "embedded":
      return `embedded in ${flags.dataDir}`;
    case "etcd":
      return `in etcd at ${flags.etcdEndpoints.join(",")} under ${flags.etcdPrefix}`;
  }
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
