/** `kdns up` as the scale benchmark runs it: a child on free loopback ports, restartable on its data. */
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RestClient } from "../../src/client/rest-client.ts";
import { freePort } from "../../test/support/free-port.ts";
import { type Child, startPinned } from "../support/proc.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const kdns = join(root, "src/bin/kdns.js");

/** What every start of one configuration shares. */
export interface UpConfig {
  store: "embedded" | "etcd";
  dataDir: string;
  etcdEndpoint?: string;
  /** Prefix in etcd, one per configuration so runs do not see each other's objects. */
  etcdPrefix?: string;
  upstreamPort: number;
  /** Write a V8 CPU profile here on exit (`node --cpu-prof`). */
  profileDir?: string;
}

/** A running `kdns up`. */
export interface Up {
  /** SIGTERM, then SIGKILL only after 60 s: a CPU profile is written on a clean exit. */
  stop(): Promise<void>;
  child: Child;
  url: string;
  client: RestClient;
  dnsPort: number;
  kubeconfig: string;
  /** Milliseconds from spawn until /readyz answered 200. */
  readyMs: number;
}

/** Starts `kdns up` (no gateway) and resolves once /readyz passes. */
export async function startUp(config: UpConfig, timeoutMs = 600_000): Promise<Up> {
  const apiPort = await freePort();
  const dnsPort = await freePort();
  const started = Date.now();
  const child = startPinned(undefined, process.execPath, [
    ...(config.profileDir ? ["--cpu-prof", "--cpu-prof-dir", config.profileDir] : []),
    kdns,
    "up",
    "--store",
    config.store,
    "--data-dir",
    config.dataDir,
    ...(config.etcdEndpoint ? ["--etcd-endpoints", config.etcdEndpoint] : []),
    ...(config.etcdPrefix ? ["--etcd-prefix", config.etcdPrefix] : []),
    "--api-listen",
    `127.0.0.1:${apiPort}`,
    "--dns-listen",
    `127.0.0.1:${dnsPort}`,
    "--upstream",
    `127.0.0.1:${config.upstreamPort}`,
    "--gateway",
    "none",
  ]);
  const url = `http://127.0.0.1:${apiPort}`;
  for (;;) {
    if (child.proc.exitCode !== null) throw new Error(`kdns up exited early:\n${child.output().slice(-3000)}`);
    if (Date.now() - started > timeoutMs) {
      await child.stop();
      throw new Error(`kdns up not ready after ${timeoutMs} ms:\n${child.output().slice(-3000)}`);
    }
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = Date.now() - started;
  const kubeconfig = /kubeconfig written to (\S+)/.exec(child.output())?.[1] ?? join(config.dataDir, "kubeconfig");
  const stop = async (): Promise<void> => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
    const exited = once(child.proc, "exit");
    child.proc.kill("SIGTERM");
    const timer = setTimeout(() => child.proc.kill("SIGKILL"), 60_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, client: new RestClient({ server: url }), dnsPort, kubeconfig, readyMs, stop };
}
