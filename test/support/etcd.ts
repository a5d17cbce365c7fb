/** A real etcd (Debian `etcd-server`, v3.4) on free loopback ports in a temp dir, for tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { access, constants, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "./free-port.ts";
import { StopWaiting, waitFor } from "./wait-for.ts";

/** A running test etcd. */
export interface TestEtcd {
  /** Client URL, e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  dataDir: string;
  /** Kills the process (default SIGKILL) and waits for it to exit; the data dir stays. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports and data dir and waits until it is healthy. */
  restart(): Promise<void>;
  /** Stops it and removes its data dir. */
  stop(): Promise<void>;
}

const INSTALL = "apt-get install -y etcd-server";

async function findEtcd(): Promise<string> {
  const dirs = ["/usr/bin", "/usr/local/bin", ...(process.env.PATH ?? "").split(delimiter)];
  for (const dir of dirs) {
    const file = join(dir, "etcd");
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // try the next directory
    }
  }
  throw new Error(`etcd is not installed (no etcd binary in /usr/bin or PATH); install it with: ${INSTALL}`);
}

async function isHealthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await res.json()) as { health?: string };
    return body.health === "true";
  } catch {
    return false;
  }
}

/** Starts etcd and resolves once its `/health` endpoint says so. */
export async function startEtcd(): Promise<TestEtcd> {
  const binary = await findEtcd();
  const root = await mkdtemp(join(tmpdir(), "kdns-etcd-"));
  const dataDir = join(root, "data");
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    "--name=test",
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=test=${peer}`,
    "--initial-cluster-state=new",
    "--log-level=error",
    "--logger=zap",
  ];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stderr = "";

  const launch = async (): Promise<void> => {
    stderr = "";
    const proc = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    let gone = false;
    void exited.then(() => (gone = true));
    await waitFor(
      async () => {
        if (gone) throw new StopWaiting(`etcd exited early: ${stderr}`);
        return await isHealthy(endpoint);
      },
      { timeoutMs: 20_000, intervalMs: 50, what: `etcd healthy at ${endpoint}` },
    );
  };

  const kill = async (signal: NodeJS.Signals = "SIGKILL"): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    child = undefined;
  };

  try {
    await launch();
  } catch (err) {
    await kill();
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint,
    dataDir,
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      await kill("SIGTERM");
      await rm(root, { recursive: true, force: true });
    },
  };
}
