/** Running `wrk` pinned to a CPU and reading its summary (rate, latency percentiles, failures). */
import { once } from "node:events";
import { type Child, startPinned } from "../support/proc.ts";

/** What one wrk run measured. */
export interface WrkResult {
  /** Requests per second as wrk reports it. */
  rps: number;
  requests: number;
  /** Responses outside 2xx/3xx. */
  non2xx: number;
  /** connect + read + write + timeout socket errors. */
  socketErrors: number;
  /** wrk's own breakdown (`connect 0, read 0, write 0, timeout 0`). */
  socketDetail: string;
  p50Ms: number;
  p99Ms: number;
  /** The command line, for the report. */
  command: string;
}

/** How to load one URL. */
export interface WrkOptions {
  url: string;
  /** Host header to send (default: the URL's). */
  host?: string;
  /** Extra request headers (`Name: value`). */
  headers?: string[];
  seconds: number;
  connections: number;
  threads: number;
  /** The CPU wrk is pinned to; undefined runs it unpinned. */
  cpu: number | undefined;
}

function args(o: WrkOptions): string[] {
  return [
    `-t${o.threads}`,
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    "--latency",
    ...(o.host ? ["-H", `Host: ${o.host}`] : []),
    ...(o.headers ?? []).flatMap((h) => ["-H", h]),
    o.url,
  ];
}

function toMs(value: string, unit: string): number {
  const v = Number(value);
  return unit === "us" ? v / 1000 : unit === "s" ? v * 1000 : unit === "m" ? v * 60_000 : v;
}

/** Parses wrk's text summary; throws when the rate line is missing. */
export function parseWrk(text: string, command: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!rps) throw new Error(`no wrk summary in:\n${text.slice(-2000)}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(text);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  return {
    rps: Number(rps[1]),
    requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: socket ? socket.slice(1, 5).reduce((s, n) => s + Number(n), 0) : 0,
    socketDetail: socket ? socket[0].slice("Socket errors: ".length) : "none",
    p50Ms: pct("50"),
    p99Ms: pct("99"),
    command,
  };
}

/** The command as a shell line (for the report). */
export function wrkCommand(o: WrkOptions): string {
  return [...(o.cpu !== undefined ? ["taskset", "-c", String(o.cpu)] : []), "wrk", ...args(o)]
    .map((a) => (/[\s:]/.test(a) && !a.startsWith("http") ? `'${a}'` : a))
    .join(" ");
}

/** Runs wrk to completion. */
export async function wrk(o: WrkOptions): Promise<WrkResult> {
  const child = startPinned(o.cpu, "wrk", args(o));
  const [code] = (await once(child.proc, "exit")) as [number | null];
  if (code !== 0) throw new Error(`wrk exited ${code}:\n${child.output()}`);
  return parseWrk(child.output(), wrkCommand(o));
}

/** A wrk run in the background, ended early with SIGINT (wrk then prints its summary). */
export interface BackgroundWrk {
  child: Child;
  finish(): Promise<WrkResult>;
}

/** Starts wrk for at most `o.seconds`; `finish()` interrupts it and reads the summary. */
export function wrkInBackground(o: WrkOptions): BackgroundWrk {
  const child = startPinned(o.cpu, "wrk", args(o));
  const exited = once(child.proc, "exit");
  return {
    child,
    async finish() {
      if (child.proc.exitCode === null) child.proc.kill("SIGINT");
      await exited;
      return parseWrk(child.output(), wrkCommand(o));
    },
  };
}
