/**
 * Running the real `kubectl` against a real `kdns up` child process (loopback, free ports, temp
 * data dir), for the kubectl end-to-end tests.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { childEnv } from "../support/child.ts";
import { freePort } from "../support/free-port.ts";
import { BIN, type KdnsUp, NODE, startKdnsUp } from "../support/kdns-up.ts";

/** What a finished process left. */
export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Asserts `r` (the run of `what`) exited 0; its stdout. */
export function ok(r: Result, what: string): string {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Asserts `r` (the run of `what`) exited non-zero; its stderr, trimmed. */
export function fails(r: Result, what: string): string {
  assert.notEqual(r.code, 0, `${what} should fail, printed: ${r.stdout}`);
  return r.stderr.trim();
}

/** A kubectl the tests run: the command and how to install it when it is missing. */
export interface Kubectl {
  /** What to run: a name looked up on PATH, or a path. */
  command: string;
  /** Said when it is missing. */
  install: string;
}

/** The system's kubectl (whatever the machine's image carries). */
export const SYSTEM_KUBECTL: Kubectl = {
  command: "kubectl",
  install: "apt-get install -y kubernetes-client (or any kubectl on PATH)",
};

/**
 * Debian 12's kubectl 1.20 (the kubernetes-client package), extracted into a private directory
 * by `scripts/setup.sh --test-tools` so that it does not replace the system one.
 */
export const DEBIAN_KUBECTL: Kubectl = {
  command: resolve(import.meta.dirname, "../../.kdns-tools/kubectl-1.20/usr/bin/kubectl"),
  install:
    "bash scripts/setup.sh --test-tools (it extracts Debian's kubernetes-client package into .kdns-tools/kubectl-1.20)",
};

/** Throws with the install command when `kubectl` is missing or does not run; resolves to its client version. */
export function requireKubectl(kubectl: Kubectl = SYSTEM_KUBECTL): string {
  const probe = spawnSync(kubectl.command, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${kubectl.command} is not installed (or does not run): install it with: ${kubectl.install}`);
  }
  return (JSON.parse(probe.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
}

/** A running `kdns up` and a kubectl bound to it. */
export interface Cluster {
  dir: string;
  /** The API server URL `kdns up` printed (https when it serves TLS). */
  server: string;
  kubeconfig: string;
  /** The port `kdns up` answers DNS on (127.0.0.1, UDP and TCP). */
  dnsPort: number;
  /** With https: the CA PEM `kdns up` generated (`<data-dir>/pki/ca.crt`), and its path. */
  ca?: string;
  caPath?: string;
  /** Runs kubectl with KUBECONFIG set (30 s cap). */
  kubectl(args: string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<Result>;
  /** Starts a long-running kubectl (watch, wait); `output()` is what it printed so far. */
  spawnKubectl(args: string[]): { child: ChildProcess; output(): string; exited: Promise<Result> };
  /** Runs the kdns CLI to completion (with extra environment variables). */
  kdns(args: string[], env?: Record<string, string>): Promise<Result>;
  /** Writes a file in the cluster's temp dir; resolves to its path. */
  file(name: string, text: string | Buffer): Promise<string>;
  /** Everything `kdns up` printed so far (its log lines included). */
  output(): string;
  stop(): Promise<void>;
}

function collect(child: ChildProcess): { output(): string; exited: Promise<Result> } {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Result>((r) => child.on("close", (code) => r({ code, stdout, stderr })));
  return { output: () => stdout + stderr, exited };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, stdin = ""): Promise<Result> {
  const child = spawn(cmd, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
  const { exited } = collect(child);
  child.stdin?.end(stdin);
  return exited;
}

/**
 * Starts `kdns up` with `args` (store flags, token file) and `env`, and waits until it is ready;
 * `kubectl` runs the given binary.
 */
export async function startCluster(
  args: string[],
  kubectl: Kubectl = SYSTEM_KUBECTL,
  env: Record<string, string> = {},
): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), "kdns-kubectl-"));
  const [apiPort, dnsPort] = [await freePort(), await freePort()];
  let up: KdnsUp;
  try {
    up = await startKdnsUp({
      args: [
        "--api-listen",
        `127.0.0.1:${apiPort}`,
        "--dns-listen",
        `127.0.0.1:${dnsPort}`,
        "--gateway",
        "none",
        "--upstream",
        "none",
        ...args,
      ],
      dataDir: join(dir, "data"),
      readyLine: /kubeconfig written to/,
      env,
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const { server, ca } = up;
  const caPath = join(dir, "data", "pki", "ca.crt");
  const kubeconfig = join(dir, "data", "kubeconfig");
  const stop = async (): Promise<void> => {
    await up.stop();
    await rm(dir, { recursive: true, force: true });
  };
  // Own HOME and cache dir: no user kubeconfig or stale discovery cache leaks in.
  const kubectlEnv = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(dir, "cache"),
  };
  return {
    dir,
    server,
    kubeconfig,
    dnsPort,
    ...(ca !== undefined ? { ca, caPath } : {}),
    kubectl: (a, o = {}) => run(kubectl.command, a, dir, { ...kubectlEnv, ...(o.env ?? {}) }, o.stdin),
    spawnKubectl: (a) => {
      const child = spawn(kubectl.command, a, { cwd: dir, env: kubectlEnv, stdio: ["ignore", "pipe", "pipe"] });
      return { child, ...collect(child) };
    },
    // In the cluster's dir and without KDNS_* variables: a default data dir is never the checkout's ./.kdns.
    kdns: (a, e = {}) => run(NODE, [BIN, ...a], dir, childEnv(e)),
    file: async (name, text) => {
      const path = join(dir, name);
      await writeFile(path, text, { mode: 0o755 });
      return path;
    },
    output: () => up.output(),
    stop,
  };
}
