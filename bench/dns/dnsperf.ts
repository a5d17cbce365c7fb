/** Running dnsperf (Debian `dnsperf`) against a server and reading its figures. */
import { run } from "../support/proc.ts";

/** What one dnsperf run measured. */
export interface PerfResult {
  qps: number;
  sent: number;
  lost: number;
  lostPercent: number;
  avgLatencyMs: number;
  /** Per-query latencies (ms), only with `verbose`. */
  latenciesMs: number[];
}

/** Options of a run. */
export interface PerfOptions {
  port: number;
  queryFile: string;
  seconds: number;
  clients?: number;
  /** Limit the rate (queries per second). */
  maxQps?: number;
  /** Record each query's latency (dnsperf -v). */
  verbose?: boolean;
  /** CPU to pin dnsperf to. */
  cpu?: number;
}

/** Runs dnsperf and parses its statistics. */
export async function dnsperf(o: PerfOptions): Promise<PerfResult> {
  const args = [
    "-s",
    "127.0.0.1",
    "-p",
    String(o.port),
    "-d",
    o.queryFile,
    "-l",
    String(o.seconds),
    "-c",
    String(o.clients ?? 8),
    "-q",
    "200",
  ];
  if (o.maxQps) args.push("-Q", String(o.maxQps));
  if (o.verbose) args.push("-v");
  const out = await run("dnsperf", args, o.cpu);
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  const latenciesMs: number[] = [];
  if (o.verbose) {
    for (const m of out.matchAll(/^> \S+ \S+ \S+ ([0-9.]+)$/gm)) latenciesMs.push(Number(m[1]) * 1000);
  }
  return {
    qps: num(/Queries per second:\s+([0-9.]+)/),
    sent: num(/Queries sent:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    lostPercent: num(/Queries lost:\s+\d+ \(([0-9.]+)%\)/),
    avgLatencyMs: num(/Average Latency \(s\):\s+([0-9.]+)/) * 1000,
    latenciesMs,
  };
}

/** The p-th percentile (0–100) of values. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
