/**
 * nginx as a supervised child process in kdns's runtime directory: `nginx -p <dir> -c nginx.conf
 * -g 'daemon off;'` (pid, logs and temp paths all inside `<dir>`, so no root is needed for a high
 * port). A configuration reaches nginx.conf (renamed over it, atomic on one filesystem) only to be
 * validated: by `nginx -t` on the candidate before nginx runs, or, while it runs, by the graceful
 * reload itself (SIGHUP), which parses the file exactly as `nginx -t` does and keeps the old
 * configuration serving when it fails — {@link NginxSupervisor.reload} tells which happened, and the
 * engine puts the last good file back. If nginx dies it is restarted, with backoff, on nginx.conf.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, open, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../machinery/log.ts";

/** Outcome of `nginx -t` on a candidate, or of a reload: whether nginx took the configuration. */
export type TestResult = { type: "ok" } | { type: "failed"; error: string };

/** Options of {@link NginxSupervisor.reload}. */
export interface ReloadOptions {
  /**
   * Wait until the old workers have exited, not only until they stopped taking requests: with
   * `keepalive_min_timeout` a retiring worker still answers a request on a recently used
   * keep-alive connection, from the old configuration (default false).
   */
  untilExit?: boolean;
  /** The longest wait for the old workers (default 5 s). */
  waitMs?: number;
}

/** Options of {@link NginxSupervisor}. */
export interface SupervisorOptions {
  binary: string;
  /** Runtime directory (`<data-dir>/nginx`). */
  dir: string;
  log: Logger;
}

const CONF = "nginx.conf";
const CANDIDATE = "nginx.conf.candidate";
const ERROR_LOG = join("logs", "error.log");
/** How long nginx may take to load a configuration (as `nginx -t` or as a reload). */
const LOAD_TIMEOUT_MS = 15_000;

/** The supervisor. */
export class NginxSupervisor {
  readonly #opts: SupervisorOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #closing = false;
  #restarts = 0;
  #stderr = "";

  constructor(options: SupervisorOptions) {
    this.#opts = options;
  }

  /** How many times nginx was restarted after dying. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The master's pid while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #args(conf: string): string[] {
    const { dir } = this.#opts;
    return ["-p", `${dir}/`, "-c", join(dir, conf), "-e", join(dir, ERROR_LOG), "-g", "daemon off;"];
  }

  /** Creates the runtime directory layout. */
  async prepare(): Promise<void> {
    for (const sub of ["", "logs", "tmp"]) await mkdir(join(this.#opts.dir, sub), { recursive: true });
  }

  /** Writes `config` as the candidate, for {@link install}. */
  async stage(config: string): Promise<void> {
    await writeFile(join(this.#opts.dir, CANDIDATE), config, { mode: 0o644 });
  }

  /** Writes `config` as the candidate and runs `nginx -t` on it. */
  async test(config: string): Promise<TestResult> {
    await this.stage(config);
    return await new Promise((resolve) => {
      execFile(
        this.#opts.binary,
        ["-t", "-q", ...this.#args(CANDIDATE)],
        { timeout: LOAD_TIMEOUT_MS },
        (err, _stdout, stderr) => {
          if (!err) return resolve({ type: "ok" });
          const text = String(stderr)
            .trim()
            .split("\n")
            .filter((l) => !/test failed$/.test(l))
            .join("; ");
          resolve({ type: "failed", error: text || String(err.message) });
        },
      );
    });
  }

  /** Renames the candidate over nginx.conf. */
  async install(): Promise<void> {
    await rename(join(this.#opts.dir, CANDIDATE), join(this.#opts.dir, CONF));
  }

  /** The installed configuration, or undefined before the first install. */
  async installed(): Promise<string | undefined> {
    return await readFile(join(this.#opts.dir, CONF), "utf8").catch(() => undefined);
  }

  /** Starts nginx on the installed configuration; resolves once it wrote its pid (it has bound its ports). */
  async start(): Promise<void> {
    this.#closing = false;
    await this.#launch();
  }

  async #launch(): Promise<void> {
    this.#stderr = "";
    // Its own process group: if the master dies, its orphaned workers (which keep the port) can be killed with it.
    const child = spawn(this.#opts.binary, this.#args(CONF), { stdio: ["ignore", "ignore", "pipe"], detached: true });
    this.#child = child;
    let gone = false;
    this.#exited = new Promise((resolve) =>
      child.once("exit", () => {
        gone = true;
        resolve();
      }),
    );
    child.stderr?.on("data", (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-4_000)));
    child.once("exit", (code, signal) => this.#onExit(child, code, signal));
    const pidFile = join(this.#opts.dir, "nginx.pid");
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (gone) throw new Error(`nginx exited at start: ${this.#stderr.trim() || "no output"}`);
      const pid = await readFile(pidFile, "utf8").catch(() => "");
      if (pid.trim() === String(child.pid)) return;
      if (Date.now() > deadline) throw new Error(`nginx did not start within 15 s: ${this.#stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
    if (this.#closing || child !== this.#child) return;
    const delay = Math.min(5_000, 100 * 2 ** Math.min(this.#restarts, 6));
    this.#restarts++;
    this.#opts.log.warn({ code, signal, stderr: this.#stderr.trim(), restartInMs: delay }, "nginx exited; restarting");
    setTimeout(() => {
      if (this.#closing) return;
      this.#launch().catch((err: unknown) => this.#opts.log.error({ err: String(err) }, "nginx restart failed"));
    }, delay).unref();
  }

  /**
   * Whether a reload can tell its outcome: nginx runs and its workers are visible (Linux /proc).
   * Otherwise a configuration must pass `nginx -t` before it is installed.
   */
  async reloadValidates(): Promise<boolean> {
    const pid = this.#child?.pid;
    if (pid === undefined || this.#child?.exitCode !== null) return false;
    return (await workers(pid)).size > 0;
  }

  /**
   * Graceful reload (SIGHUP) on the installed nginx.conf. The master parses it as `nginx -t` would:
   * on success it starts new workers and retires the old ones, on failure it logs `[emerg]` and
   * keeps the old configuration — the outcome returned. Resolves (after a success) once the old
   * workers no longer take requests (they closed their listeners and idle keep-alive connections,
   * and close the rest after the request they serve; see {@link ReloadOptions.untilExit}) or
   * exited, at most `waitMs`, because until then an old worker can still accept a connection and
   * answer it with the previous configuration. Without nginx running it resolves "ok" at once:
   * the (tested) file is what a restart loads.
   */
  async reload(options: ReloadOptions = {}): Promise<TestResult> {
    const child = this.#child;
    const pid = child?.pid;
    if (child === undefined || pid === undefined || child.exitCode !== null) return { type: "ok" };
    const old = await workers(pid);
    const errorLog = join(this.#opts.dir, ERROR_LOG);
    const logged = (await stat(errorLog).catch(() => undefined))?.size ?? 0;
    const sent = performance.now();
    child.kill("SIGHUP");
    const loadDeadline = Date.now() + LOAD_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        return { type: "failed", error: `nginx exited while reloading: ${this.#stderr.trim() || "no output"}` };
      const now = await workers(pid);
      if ([...now].some((w) => !old.has(w)) || old.size === 0) break;
      const error = await reloadError(errorLog, logged, pid);
      if (error !== undefined) return { type: "failed", error };
      if (Date.now() > loadDeadline)
        return { type: "failed", error: `nginx neither reloaded nor logged an error within ${LOAD_TIMEOUT_MS} ms` };
      await new Promise((r) => setTimeout(r, 2));
    }
    const loaded = performance.now();
    const deadline = Date.now() + (options.waitMs ?? 5_000);
    const retired = options.untilExit ? gone : goneOrShuttingDown;
    while (Date.now() < deadline) {
      if ((await Promise.all([...old].map(retired))).every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    // What a change costs in nginx: loading the configuration (new workers) and retiring the old workers.
    const ms = (n: number): number => Math.round(n * 10) / 10;
    this.#opts.log.debug({ loadMs: ms(loaded - sent), retireMs: ms(performance.now() - loaded) }, "nginx reloaded");
    return { type: "ok" };
  }

  /** Has nginx reopen its log files (SIGUSR1, `nginx -s reopen`): a renamed log is made anew at its path. */
  reopen(): void {
    if (this.#child?.exitCode === null) this.#child.kill("SIGUSR1");
  }

  /** Stops nginx (fast shutdown, SIGTERM; SIGKILL after 5 s) and waits for it to exit. */
  async close(): Promise<void> {
    this.#closing = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

/** The master's child processes (Linux /proc; empty elsewhere, which makes reload not wait). */
async function workers(pid: number): Promise<Set<number>> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return new Set(
    text
      .split(" ")
      .filter((s) => s.trim() !== "")
      .map(Number),
  );
}

/** Whether worker `pid` has exited (a zombie not yet reaped, or gone). */
async function gone(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat === "" || /\) Z /.test(stat);
}

/**
 * Whether worker `pid` takes no more requests: exited, or shutting down — nginx retitles a worker
 * as it closes its listening sockets and idle keep-alive connections on the master's QUIT, in one
 * step; its remaining connections close after the request in flight (nginx keeps none alive while
 * exiting, unless `keepalive_min_timeout` is set).
 */
async function goneOrShuttingDown(pid: number): Promise<boolean> {
  const title = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  // A zombie's (and a gone process's) cmdline is empty.
  return title === "" || title.includes("shutting down");
}

/** The `[emerg]` lines master `pid` appended to its error log after byte `from`, as one message. */
async function reloadError(path: string, from: number, pid: number): Promise<string | undefined> {
  const file = await open(path, "r").catch(() => undefined);
  if (!file) return undefined;
  try {
    const { size } = await file.stat();
    if (size <= from) return undefined;
    // The master's last lines; workers may have logged much before them.
    const start = Math.max(from, size - 64 * 1024);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    // `2026/01/02 03:04:05 [emerg] 123#123: unknown directive "x" in /dir/nginx.conf:9`
    const lines = buffer
      .subarray(0, bytesRead)
      .toString("utf8")
      .split("\n")
      .map((l) => /^\S+ \S+ \[emerg\] (\d+)#\d+: (.*)$/.exec(l))
      .filter((m) => m !== null && Number(m[1]) === pid)
      .map((m) => `[emerg] ${m![2]}`);
    return lines.length > 0 ? lines.join("; ") : undefined;
  } finally {
    await file.close();
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}
