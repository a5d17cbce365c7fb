/** Child processes for benchmarks: pinned to a CPU with taskset, stopped reliably. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** A started child with its collected output. */
export interface Child {
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `cmd args` pinned to `cpu` (taskset), collecting stdout+stderr; `detached` runs it in a
 * session of its own, as a daemon runs (Linux's scheduler then gives it an autogroup of its own).
 */
export function startPinned(
  cpu: number | undefined,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  detached = false,
): Child {
  const full = cpu === undefined ? [cmd, ...args] : ["taskset", "-c", String(cpu), cmd, ...args];
  const proc = spawn(full[0]!, full.slice(1), { stdio: ["ignore", "pipe", "pipe"], env, detached });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return {
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
      await once(proc, "exit");
      clearTimeout(timer);
    },
  };
}

/** Runs a command to completion; resolves with its output, rejects on a non-zero exit. */
export async function run(cmd: string, args: string[], cpu?: number): Promise<string> {
  const child = startPinned(cpu, cmd, args);
  const [code] = (await once(child.proc, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${child.output().slice(-2000)}`);
  return child.output();
}

/** Resident memory of a process now and at its peak (VmRSS, VmHWM), in MiB. */
export async function memoryMiB(pid: number): Promise<{ rss: number; peak: number }> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/** The processes with a UDP socket bound to `port` (`ss`), e.g. the workers sharing it. */
export async function udpPortPids(port: number): Promise<number[]> {
  const out = await run("ss", ["-Hulpn", `sport = :${port}`]);
  return [...new Set(Array.from(out.matchAll(/pid=(\d+)/g), (m) => Number(m[1])))].sort((a, b) => a - b);
}

/** CPU time a process has used so far (user + system), in clock ticks (/proc/PID/stat). */
export async function cpuTicks(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** `pid` and every process below it (Linux /proc). */
export async function processTree(pid: number): Promise<number[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    for (const t of await readdir(`/proc/${p}/task`).catch(() => [] as string[])) {
      const kids = await readFile(`/proc/${p}/task/${t}/children`, "utf8").catch(() => "");
      for (const k of kids.split(" ")) if (k.trim() !== "") out.push(Number(k));
    }
  }
  return out;
}

/**
 * Moves `pid`, its threads and every process below it onto `cpus` (taskset's list syntax, `0-1`
 * for all of a two-CPU machine): pinned processes can be measured unpinned without a restart.
 */
export async function setAffinity(pid: number, cpus: string): Promise<void> {
  for (const p of await processTree(pid)) await run("taskset", ["-a", "-p", "-c", cpus, String(p)]).catch(() => "");
}

/** One line of progress on stderr. */
export function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}
