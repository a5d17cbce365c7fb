/**
 * The real `kdns up` as a child process on loopback, for end-to-end tests: started with the
 * test's flags and a data directory (a temp one, removed on stop, unless the test brings its
 * own), ready once it printed the line the test waits for and its /readyz is ok (over https with
 * the CA it generated, when it serves TLS). It runs in a temp working directory with
 * {@link childEnv}, so no default it falls back to is the checkout's `./.kdns`; when it exits
 * before it is ready (an address taken), the start fails at once with its output.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { childEnv, stillRunning } from "./child.ts";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.ts";
import { freePort } from "./free-port.ts";
import { httpsFetch } from "./https-fetch.ts";
import { waitFor } from "./wait-for.ts";

const ROOT = resolve(import.meta.dirname, "../..");
/** Node 24 from the npm package (the system node may be older). */
export const NODE = join(ROOT, "node_modules/.bin/node");
/** The kdns entry point. */
export const BIN = join(ROOT, "src/bin/kdns.ts");

/** How one `kdns` command ended: its exit code and what it printed. */
export interface KdnsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `kdns` CLI with `args` in the test's clean environment, to its end, failing or not. */
export async function runKdns(args: string[]): Promise<KdnsRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(NODE, [BIN, ...args], { env: childEnv() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as KdnsRun;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The flags for a gateway of `engine` serving plain HTTP on 127.0.0.1:`port`, with no TLS listener. */
export function gatewayArgs(port: number, engine: "builtin" | "nginx" = "builtin"): string[] {
  return ["--gateway", engine, "--gateway-listen", `127.0.0.1:${port}`, "--gateway-tls-listen", "none"];
}

/** Options of {@link startKdnsUp}. */
export interface KdnsUpOptions {
  /** Flags after `up`; `--data-dir` is added. */
  args: string[];
  /** Data directory to use and keep (e.g. to restart on the same data); default a temp dir removed on stop. */
  dataDir?: string;
  /** A line `kdns up` prints once the parts the test needs run (default: the API server's). */
  readyLine?: RegExp;
  /** Environment variables on top of the test's own (e.g. `KDNS_LOG_LEVEL`). */
  env?: Record<string, string>;
}

/** A running `kdns up`. */
export interface KdnsUp {
  /** API base URL, as it printed it (https when it serves TLS). */
  server: string;
  dataDir: string;
  /** The CA PEM it generated, when it serves https. */
  ca?: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (SIGKILL after 5 s), wait for the exit, remove its temp dirs (not a data dir the test brought). */
  stop(): Promise<void>;
}

/** Starts `kdns up` and resolves once it is ready; on failure stops it and throws with its output. */
export async function startKdnsUp(options: KdnsUpOptions): Promise<KdnsUp> {
  const root = await mkdtemp(join(tmpdir(), "kdns-up-e2e-"));
  const dataDir = options.dataDir ?? join(root, "data");
  const child = spawn(NODE, [BIN, "up", "--data-dir", dataDir, ...options.args], {
    cwd: root,
    env: childEnv(options.env ?? {}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("close", () => r()));
  const stop = async (): Promise<void> => {
    // Awaits the close even after an exit: what it printed last (why it exited) is read by then.
    const running = child.exitCode === null && child.signalCode === null;
    if (running) child.kill("SIGTERM");
    const hard = running ? setTimeout(() => child.kill("SIGKILL"), 5_000) : undefined;
    await exited;
    clearTimeout(hard);
    await rm(root, { recursive: true, force: true });
  };
  const readyLine = options.readyLine ?? /api server listening on /;
  try {
    await waitFor(
      () => {
        stillRunning(child, "kdns up");
        return readyLine.test(out);
      },
      { timeoutMs: 30_000, intervalMs: 50, what: `kdns up to print ${readyLine}` },
    );
    const server = /api server listening on (\S+)/.exec(out)?.[1];
    if (!server) throw new Error("kdns up did not say where its API server listens");
    const ca = server.startsWith("https:") ? await readFile(join(dataDir, "pki", "ca.crt"), "utf8") : undefined;
    const get = ca !== undefined ? httpsFetch({ ca }) : fetch;
    await waitFor(
      async () => {
        stillRunning(child, "kdns up");
        return (await get(`${server}/readyz`, {})).ok;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 50,
        what: "kdns up's /readyz ok",
      },
    );
    return { server, dataDir, ...(ca !== undefined ? { ca } : {}), child, output: () => out, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- kdns up output ---\n${out}`);
  }
}

/** A {@link startLoopbackUp}: the running `kdns up`, its DNS port and upstream, and one stop for both. */
export interface LoopbackUp {
  up: KdnsUp;
  dnsPort: number;
  upstream: FakeUpstream;
  stop(): Promise<void>;
}

/**
 * `kdns up` on free loopback ports with `extraArgs`: the API, DNS whose only upstream is a
 * loopback fake server started for it, and a plain-HTTP built-in gateway.
 */
export async function startLoopbackUp(
  extraArgs: string[] = [],
  options: Omit<KdnsUpOptions, "args"> = {},
): Promise<LoopbackUp> {
  const upstream = await startFakeUpstream();
  const dnsPort = await freePort();
  try {
    const args = ["--api-listen", `127.0.0.1:${await freePort()}`, "--dns-listen", `127.0.0.1:${dnsPort}`];
    args.push("--upstream", `127.0.0.1:${upstream.port}`, ...gatewayArgs(await freePort()), ...extraArgs);
    const up = await startKdnsUp({ ...options, args });
    return {
      up,
      dnsPort,
      upstream,
      stop: async () => {
        await up.stop();
        await upstream.close();
      },
    };
  } catch (err) {
    await upstream.close();
    throw err;
  }
}
