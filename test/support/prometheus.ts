/**
 * A real Prometheus (Debian's `prometheus` package) for end-to-end tests: started on a free
 * loopback port with its own temp storage, scraping the given targets every second, and queried
 * through its HTTP API.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnv, stillRunning } from "./child.ts";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait-for.ts";

/** Throws a message with the install command when there is no `prometheus` binary. */
export function requirePrometheus(): void {
  try {
    execFileSync("prometheus", ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "prometheus is not installed: run `apt-get install -y --no-install-recommends prometheus` (npm test's pretest, scripts/setup.sh --test-tools, does)",
    );
  }
}

/** One sample of an instant query's vector. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** A running Prometheus. */
export interface Prometheus {
  url: string;
  /** An instant query; rejects with Prometheus's error (a PromQL parse error, say). */
  query(expr: string): Promise<PromSample[]>;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `targets` (`host:port`, path `/metrics`) as job `job`, every second. */
export async function startPrometheus(job: string, targets: string[]): Promise<Prometheus> {
  requirePrometheus();
  const dir = await mkdtemp(join(tmpdir(), "kdns-prometheus-"));
  const config = join(dir, "prometheus.yml");
  await writeFile(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      `  - job_name: ${job}`,
      "    metrics_path: /metrics",
      "    static_configs:",
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(", ")}]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { cwd: dir, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("close", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const hard = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(hard);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        stillRunning(child, "prometheus", () => out);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: "prometheus /-/ready" },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    output: () => out,
    stop,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== "success") throw new Error(`prometheus rejected ${expr}: ${body.error ?? res.status}`);
      const result = body.data?.resultType === "vector" ? body.data.result : [];
      return result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
  };
}
