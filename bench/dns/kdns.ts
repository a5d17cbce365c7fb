/** Starting kdns for a benchmark: an API server (memory store) and `kdns dns` as separate processes. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RestClient } from "../../src/client/rest-client.ts";
import { freePort } from "../../test/support/free-port.ts";
import { type Child, startPinned } from "../support/proc.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const kdns = join(root, "src/bin/kdns.js");

/** A running API server and its client. */
export interface Api {
  child: Child;
  url: string;
  client: RestClient;
}

async function waitReady(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`kdns exited early:\n${child.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready:\n${child.output()}`);
}

/** `kdns apiserver --store memory` on a free port, pinned to `cpu` when given. */
export async function startApi(cpu?: number): Promise<Api> {
  const port = await freePort();
  const child = startPinned(cpu, process.execPath, [
    kdns,
    "apiserver",
    "--store",
    "memory",
    "--api-listen",
    `127.0.0.1:${port}`,
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/readyz`, child);
  return { child, url, client: new RestClient({ server: url }) };
}

/** A running `kdns dns`. */
export interface Dns {
  child: Child;
  port: number;
}

/** `kdns dns` against `apiUrl`, forwarding to the loopback `upstreamPort`; ready after its first sync. */
export async function startDns(cpu: string, apiUrl: string, upstreamPort: number, extra: string[] = []): Promise<Dns> {
  const port = await freePort();
  const health = await freePort();
  const child = startPinned(undefined, "taskset", [
    "-c",
    cpu,
    process.execPath,
    kdns,
    "dns",
    "--server",
    apiUrl,
    "--listen",
    `127.0.0.1:${port}`,
    "--upstream",
    `127.0.0.1:${upstreamPort}`,
    "--health-listen",
    `127.0.0.1:${health}`,
    ...extra,
  ]);
  await waitReady(`http://127.0.0.1:${health}/readyz`, child, 120_000);
  return { child, port };
}
