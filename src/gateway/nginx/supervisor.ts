/**
 * nginx as a supervised child process in kdns's runtime directory: `nginx -p <dir> -c nginx.conf
 * -g 'daemon off;'` (pid, logs and temp paths all inside `<dir>`, so no root is needed for a high
 * port). A configuration is only ever installed after `nginx -t` accepted it as a candidate file;
 * it is then renamed over nginx.conf (atomic on one filesystem) and nginx reloads gracefully on
 * SIGHUP. If nginx dies it is restarted, with backoff, on the last good configuration.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../machinery/log.ts";

/** Outcome of `nginx -t` on a candidate. */
export type TestResult = { type: "ok" } | { type: "failed"; error: string };

/** Options of {@link NginxSupervisor}. */
export interface SupervisorOptions {
  binary: string;
  /** Runtime directory (`<data-dir>/nginx`). */
  dir: string;
  log: Logger;
}

const CONF = "nginx.conf";
const CANDIDATE = "nginx.conf.candidate";

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
    return ["-p", `${dir}/`, "-c", join(dir, conf), "-e", join(dir, "logs", "error.log"), "-g", "daemon off;"];
  }

  /** Creates the runtime directory layout. */
  async prepare(): Promise<void> {
    for (const sub of ["", "logs", "tmp"]) await mkdir(join(this.#opts.dir, sub), { recursive: true });
  }

  /** Writes `config` as the candidate and runs `nginx -t` on it. */
  async test(config: string): Promise<TestResult> {
    await writeFile(join(this.#opts.dir, CANDIDATE), config, { mode: 0o644 });
    return await new Promise((resolve) => {
      execFile(
        this.#opts.binary,
        ["-t", "-q", ...this.#args(CANDIDATE)],
        { timeout: 15_000 },
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

  /** Renames the tested candidate over nginx.conf. */
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
   * Graceful reload (SIGHUP): new workers on the installed config, old ones finish their requests.
   * Resolves once the old workers have exited (at most `waitMs`), because until then an old worker
   * can still accept a new connection and answer it with the previous configuration.
   */
  async reload(waitMs = 5_000): Promise<void> {
    const pid = this.#child?.pid;
    if (pid === undefined || this.#child?.exitCode !== null) return;
    const old = await workers(pid);
    this.#child.kill("SIGHUP");
    const deadline = Date.now() + waitMs;
    while (old.size > 0 && Date.now() < deadline) {
      const now = await workers(pid);
      if (now.size > 0 && ![...old].some((w) => now.has(w))) return;
      await new Promise((r) => setTimeout(r, 5));
    }
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

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}
